package tcpip.testing.grading;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import tcpip.testing.HomeworkAnswerKey;

/**
 * Sees every class the graded test JVM defines (an instrumentation agent's transformer, held by the JDK where
 * submitted code cannot reach it). A class defined by a class loader the grader did not make is the submission loading
 * code itself: the course's code, a copy of the reference solution, or the course's class files renamed (a copy of
 * {@code tcpip.kernel.SocketTable} as {@code tcpxp.kernel.SocketTable} once scored full points): reported to the
 * {@link Tripwire}. A class the exercise's answer key forbids, defined by the course loader, gets a {@link Guard}
 * call at the start of every method.
 */
final class ClassWatch implements ClassFileTransformer {

    private static final String GUARD = "tcpip/testing/grading/Guard";

    private final Set<ClassLoader> graders = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ClassLoader course;
    private final String homework;
    private final HomeworkAnswerKey key;

    ClassWatch(Set<ClassLoader> graders, ClassLoader course, String homeworkPackage, HomeworkAnswerKey key) {
        this.graders.addAll(graders);
        this.course = course;
        this.homework = homeworkPackage.replace('.', '/') + "/";
        this.key = key;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        if (name == null || loader == null) {
            return null;
        }
        String dotted = name.replace('/', '.');
        if (!graders.contains(loader)) {
            Tripwire.report(name.startsWith("tcpip/")
                    ? key.answer().getSimpleName() + " defines the course's class " + dotted
                            + " in a class loader of its own: an answer may not load the course's code or the reference"
                            + " solution itself (the course's " + dotted + " is the answer key; it may not be used in"
                            + " this exercise)"
                    : key.answer().getSimpleName() + " defines the class " + dotted + " in a class loader of its own:"
                            + " an answer may not define classes itself (the course's code copied under another name is"
                            + " still the answer key; it may not be used in this exercise)");
            return null;
        }
        if (!name.startsWith("tcpip/") || loader != course || name.startsWith(homework)) {
            return null;
        }
        Optional<String> refusal = key.refusal(dotted);
        return refusal.isPresent() ? guarded(bytes, refusal.get()) : null;
    }

    /** {@code bytes} with {@code Guard.check(refusal)} first in every method that has code. */
    static byte[] guarded(byte[] bytes, String refusal) {
        ClassReader reader = new ClassReader(bytes);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                    @Override
                    public void visitCode() {
                        super.visitCode();
                        visitLdcInsn(refusal);
                        visitMethodInsn(Opcodes.INVOKESTATIC, GUARD, "check", "(Ljava/lang/String;)V", false);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }
}
