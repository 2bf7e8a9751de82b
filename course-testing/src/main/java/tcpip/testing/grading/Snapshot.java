package tcpip.testing.grading;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.Comparator;
import tcpip.testing.gate.Gate;

/**
 * The grader's own copy of everything a graded test JVM loads (test libraries, the course's classes, the graded
 * tests, the submission's classes), made before any submitted code runs. Graded test JVMs read only this copy; where
 * namespaces are available it is read-only for them, and everywhere its files' identities (inode, size, change time)
 * are compared before and after each exercise, so an exercise that changes a file the grader loads is caught.
 */
final class Snapshot {

    /** The jar, beside the agent jar, that puts {@link Gate} on a graded test JVM's boot class path. */
    static final String GATE_JAR = "grading-gate.jar";

    private final Path root;

    Snapshot(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Copies a directory (minus what {@code skip} says) or a jar to {@code name} under the snapshot. */
    Path copy(Path from, String name, Predicate<Path> skip) throws IOException {
        Path to = root.resolve(name);
        if (Files.isDirectory(from)) {
            Files.createDirectories(to);
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(from) && skip.test(from.relativize(dir))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (!skip.test(from.relativize(file))) {
                        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } else if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.createDirectories(to); // an entry that does not exist (yet): an empty directory loads nothing
        }
        return to;
    }

    /** A jar whose manifest makes {@code premain} the JVM's agent (its classes come from the class path). */
    Path agentJar(Class<?> premain) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Premain-Class", premain.getName());
        m.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        m.getMainAttributes().putValue("Boot-Class-Path", GATE_JAR); // the JDK's gates call Gate: it must be the JDK's
        Path jar = root.resolve("grading-agent.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        String gate = Gate.class.getName().replace('.', '/') + ".class";
        Manifest plain = new Manifest();
        plain.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (InputStream in = Gate.class.getClassLoader().getResourceAsStream(gate);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(root.resolve(GATE_JAR)), plain)) {
            out.putNextEntry(new JarEntry(gate));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    /** Every file's identity: a file changed, replaced, added or removed gives another map. */
    Map<String, String> fingerprint() {
        Map<String, String> print = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.forEach(p -> {
                try {
                    Map<String, Object> a = Files.readAttributes(p, "unix:ino,size,ctime,lastModifiedTime");
                    print.put(root.relativize(p).toString(), a.get("ino") + "/" + a.get("size") + "/" + a.get("ctime")
                            + "/" + a.get("lastModifiedTime"));
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    print.put(root.relativize(p).toString(), "?");
                } catch (IOException e) {
                    print.put(root.relativize(p).toString(), "gone");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return print;
    }

    /** Deletes the snapshot (and whatever an exercise left in it). */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    p.toFile().setWritable(true);
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the system's temporary-file cleanup
                }
            });
        } catch (IOException e) {
            // nothing to delete
        }
    }
}
