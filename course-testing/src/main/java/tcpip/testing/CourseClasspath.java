package tcpip.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** The course's main classes (no tests, no libraries) as a child JVM runs them: directories, or one jar per module. */
public final class CourseClasspath {

    private CourseClasspath() {
    }

    /** The course's main classes as the servers run them: directories, or one jar per module. */
    public static String of(String form, Path tmp) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!entry.contains("/target/") || entry.contains("test-classes") || entry.contains("course-testing")) {
                continue; // libraries and tests: a server needs only the course's main classes
            }
            Path dir = Files.isDirectory(p) ? p : unjar(p, tmp.resolve("dir" + entries.size()));
            entries.add(form.equals("jars") ? jar(dir, tmp.resolve("module" + entries.size() + ".jar")).toString()
                    : dir.toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    private static Path jar(Path dir, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static Path unjar(Path jar, Path dir) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            for (JarEntry e : Collections.list(j.entries())) {
                Path to = dir.resolve(e.getName()).normalize();
                if (e.isDirectory() || !to.startsWith(dir)) {
                    continue;
                }
                Files.createDirectories(to.getParent());
                try (var in = j.getInputStream(e)) {
                    Files.copy(in, to);
                }
            }
        }
        return dir;
    }
}
