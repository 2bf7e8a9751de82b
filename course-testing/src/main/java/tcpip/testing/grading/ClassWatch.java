package tcpip.testing.grading;

import java.lang.instrument.ClassFileTransformer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    private final Map<ClassLoader, Set<String>> sources = new IdentityHashMap<>();
    private final ClassLoader course;
    private final String homework;
    private final HomeworkAnswerKey key;

    ClassWatch(Set<ClassLoader> graders, ClassLoader course, String homeworkPackage, HomeworkAnswerKey key) {
        this.graders.addAll(graders);
        this.course = course;
        this.homework = homeworkPackage.replace('.', '/') + "/";
        this.key = key;
        for (ClassLoader l : graders) {
            if (l instanceof URLClassLoader u) { // the answer and course loaders: where their classes may come from
                sources.put(l, Stream.of(u.getURLs()).map(URL::toExternalForm).collect(Collectors.toUnmodifiableSet()));
                for (URL at : u.getURLs()) {
                    sameAsFile(at, "-", new byte[0]); // loads what the check needs now, not while a class is defined
                }
            }
        }
    }

    /**
     * Whether a class the answer or course loader defines comes from one of the folders the grader gave that loader.
     * Anything else was defined in it by other means: its protected defineClass called through a private lookup of
     * the loader's class (no code source), or a folder added to it (addURL, reached the same way). A JDK proxy class
     * (its bytes are the JDK's) has no code source either and is let through.
     */
    private boolean fromItsOwnFolders(ClassLoader loader, String name, ProtectionDomain domain, byte[] bytes) {
        Set<String> own = sources.get(loader);
        if (own == null || name.substring(name.lastIndexOf('/') + 1).startsWith("$Proxy")) {
            return true;
        }
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL at = source == null ? null : source.getLocation();
        return at != null && own.contains(at.toExternalForm()) && sameAsFile(at, name, bytes);
    }

    /**
     * Whether {@code bytes} are the class file {@code name} in the folder or jar {@code at}: a protection domain
     * handed to the loader's protected defineClass may name one of its folders for bytes of another class.
     */
    static boolean sameAsFile(URL at, String name, byte[] bytes) {
        try {
            Path where = Path.of(at.toURI());
            if (Files.isDirectory(where)) {
                Path file = where.resolve(name + ".class");
                return Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), bytes);
            }
            try (JarFile jar = new JarFile(where.toFile())) {
                JarEntry entry = jar.getJarEntry(name + ".class");
                if (entry == null) {
                    return false;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    return Arrays.equals(in.readAllBytes(), bytes);
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        if (loader == null) {
            return null;
        }
        boolean unnamed = name == null; // defineClass(null, bytes): the name is the one in the bytes
        if (unnamed) {
            name = nameIn(bytes);
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
        if (unnamed || !fromItsOwnFolders(loader, name, domain, bytes)) { // the grader's loaders always name what they define
            Tripwire.report(key.answer().getSimpleName() + " defines the class " + dotted + " in the grader's " + loader.getName()
                    + " class loader from bytes of its own: an answer may not define classes itself (the course's code"
                    + " copied under another name is still the answer key; it may not be used in this exercise)");
            return null;
        }
        if (!name.startsWith("tcpip/") || loader != course || name.startsWith(homework)) {
            return null;
        }
        Optional<String> refusal = key.refusal(dotted);
        return refusal.isPresent() ? guarded(bytes, refusal.get()) : null;
    }

    /** The name a class file gives its class, or "?" if it cannot be read. */
    private static String nameIn(byte[] bytes) {
        try {
            byte[] readable = bytes.clone();
            readable[6] = 0; // any version: only the constant pool is read
            readable[7] = 52;
            return new ClassReader(readable).getClassName();
        } catch (RuntimeException e) {
            return "?";
        }
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
