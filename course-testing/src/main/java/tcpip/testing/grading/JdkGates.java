package tcpip.testing.grading;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import tcpip.testing.gate.Gate;

/**
 * The gates a graded test JVM puts in the JDK itself, before any submitted code runs: every process the JDK starts
 * ({@code ProcessImpl.start}: ProcessBuilder, Runtime.exec, a shell, another JVM, {@code /proc/PID/exe}) and every class
 * a {@code MethodHandles.Lookup} defines (defineClass into the homework package or, through privateLookupIn, into
 * another loader's package; defineHiddenClass, which no class-definition watch sees) first call {@link Gate}, which
 * hands them to the check made here. When submitted code asks for either (see {@link Guard}), the check reports the
 * answer-key message to the {@link Tripwire} and throws: another JVM on the grader's class path runs the course's
 * code where no watch of this JVM sees it (a red team scored 6/6 and 8/8 that way), and a class defined from bytes
 * can be the course's code renamed. A graded test may let its answer run named programs ({@code ss} for MssReader:
 * {@link tcpip.testing.HomeworkAnswerKey#mayRun}). The JDK's own machinery (lambdas, proxies) defines its classes
 * without these methods.
 */
final class JdkGates implements ClassFileTransformer {

    private static final String GATE = "tcpip/testing/gate/Gate";
    private static final String PROCESS = "java/lang/ProcessImpl";
    private static final String LOOKUP = "java/lang/invoke/MethodHandles$Lookup";
    /** Folders from which an allowed program may be named by its full path. */
    private static final List<String> SYSTEM_BIN = List.of("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/");

    /** The class-file version (Java 21) the JDK's classes are read as. */
    private static final int READABLE = 65;

    private final Set<String> gated = ConcurrentHashMap.newKeySet();

    private JdkGates() {
    }

    /** Puts the gates in place for {@code exercise}, whose answer may start only {@code programs}; throws if it cannot. */
    static void install(Instrumentation inst, String exercise, Set<String> programs) throws Exception {
        System.getProperties().put(Gate.KEY, check(exercise, Set.copyOf(programs)));
        Class<?> gate = Class.forName(Gate.class.getName(), true, null); // the boot class path's, from the agent jar
        if (gate != Gate.class || !Gate.armed()) {
            throw new IllegalStateException("the gate class is not on the boot class path");
        }
        Guard.AnswerKeyError.class.getName(); // loaded now, not while a gate runs
        Guard.submissionOnStack();
        inst.redefineModule(Object.class.getModule(), Set.of(gate.getModule()), Map.of(), Map.of(), Set.of(), Map.of());
        JdkGates gates = new JdkGates();
        inst.addTransformer(gates, true);
        inst.retransformClasses(Class.forName("java.lang.ProcessImpl"), MethodHandles.Lookup.class);
        if (!gates.gated.containsAll(Set.of(PROCESS, LOOKUP))) {
            throw new IllegalStateException("the JDK's ProcessImpl.start and Lookup.defineClass could not be gated: "
                    + gates.gated);
        }
    }

    private static BiConsumer<String, String[]> check(String exercise, Set<String> programs) {
        return (kind, args) -> {
            if (!Guard.submissionOnStack()) {
                return; // the graded tests and the course's code may start tcpdump or ss and define what they like
            }
            String refusal;
            if ("process".equals(kind)) {
                String program = args.length > 0 ? args[0] : "";
                if (allowed(program, programs)) {
                    return;
                }
                refusal = exercise + " starts the program " + Text.clean(program, 200) + ": an answer may not start"
                        + " programs" + (programs.isEmpty() ? "" : " other than " + String.join(", ", programs.stream()
                        .sorted().toList())) + " (another JVM on the grader's class path runs the course's code, which"
                        + " is the answer key; it may not be used in this exercise)";
            } else {
                refusal = exercise + " defines a class at run time (" + (args.length > 0 ? args[0] : "") + "): an answer"
                        + " may not define classes itself (the course's code copied under another name is still the"
                        + " answer key; it may not be used in this exercise)";
            }
            Tripwire.report(refusal);
            throw new Guard.AnswerKeyError(refusal);
        };
    }

    /** {@code program} is one of {@code programs}, by its name or its full path in a system folder. */
    static boolean allowed(String program, Set<String> programs) {
        if (programs.contains(program)) {
            return true;
        }
        for (String bin : SYSTEM_BIN) {
            if (program.startsWith(bin) && programs.contains(program.substring(bin.length()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        if (loader != null || !(PROCESS.equals(name) || LOOKUP.equals(name))) {
            return null;
        }
        // The JDK's class files may be newer than the class-file reader knows (JDK 25: version 69); the parts it
        // reads and writes here are the same in every version since 21 (65), so it reads them as 65 and the result
        // gets the JDK's version back.
        int major = ((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff);
        byte[] readable = bytes;
        if (major > READABLE) {
            readable = bytes.clone();
            readable[6] = (byte) (READABLE >>> 8);
            readable[7] = (byte) READABLE;
        }
        byte[] out = gate(name, readable);
        if (out != null && major > READABLE) {
            out[6] = (byte) (major >>> 8);
            out[7] = (byte) major;
        }
        return out;
    }

    private byte[] gate(String name, byte[] bytes) {
        boolean process = PROCESS.equals(name);
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        boolean[] hit = new boolean[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, method, descriptor, signature, exceptions);
                boolean gate = process
                        ? method.equals("start") && (access & Opcodes.ACC_STATIC) != 0 && descriptor.startsWith("([Ljava/lang/String;")
                        : (method.equals("defineClass") || method.startsWith("defineHiddenClass"))
                                && (access & Opcodes.ACC_PUBLIC) != 0;
                if (!gate) {
                    return mv;
                }
                hit[0] = true;
                return new MethodVisitor(Opcodes.ASM9, mv) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        if (process) {
                            visitVarInsn(Opcodes.ALOAD, 0);
                            visitMethodInsn(Opcodes.INVOKESTATIC, GATE, "process", "([Ljava/lang/String;)V", false);
                        } else {
                            visitLdcInsn("Lookup." + method);
                            visitMethodInsn(Opcodes.INVOKESTATIC, GATE, "define", "(Ljava/lang/String;)V", false);
                        }
                    }
                };
            }
        }, 0);
        if (!hit[0]) {
            return null;
        }
        gated.add(name);
        return writer.toByteArray();
    }
}
