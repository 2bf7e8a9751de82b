package tcpip.tour;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The course checkout as the course's own checks see it: its root, its homework, its commands. */
final class CourseTree {

    private CourseTree() {
    }

    /** The checkout's root directory (set by the tour module's pom; falls back to "..") */
    static Path root() {
        String r = System.getProperty("tcpip.root");
        Path p = r != null && !r.isBlank() ? Path.of(r) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    static List<Path> templates(Path root) throws IOException {
        return homework(root, "template");
    }

    static List<Path> solutions(Path root) throws IOException {
        return homework(root, "solution");
    }

    private static List<Path> homework(Path root, String variant) throws IOException {
        try (Stream<Path> files = Files.walk(root, 12)) {
            return files.filter(p -> p.toString().contains("/src/homework/" + variant + "/") && p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .sorted().toList();
        }
    }

    /** A finished command: exit code (-1 if killed at the time limit) and stdout+stderr. */
    record Run(int exitCode, String output) {
    }

    /** Runs a command in a directory, killing it after {@code seconds}. */
    static Run run(Path dir, long seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try (var in = p.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            return new Run(done ? p.exitValue() : -1, out.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
