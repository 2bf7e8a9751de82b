package tcpip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program's main in its own JVM (same java, same classpath as the test) and captures
 * what a user would see: exit code, stdout, stderr. For testing --help and bad arguments, and
 * for programs that call System.exit.
 */
public final class MainRunner {

    private MainRunner() {
    }

    /** What a finished program left behind. {@code exitCode} is -1 if it had to be killed. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code main} with {@code args}, killing it after {@code timeout}. */
    public static Result run(Duration timeout, Class<?> main, String... args) {
        return run(timeout, null, main, args);
    }

    /** Same, feeding {@code stdin} (may be null) to the program's standard input. */
    public static Result run(Duration timeout, String stdin, Class<?> main, String... args) {
        List<String> command = java();
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).start();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            try (var in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly().waitFor();
            }
            return new Result(done ? p.exitValue() : -1, out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The command that starts a child JVM like this one: the same java, the flags the build gives
     * test JVMs (system property {@code tcpip.child.jvm.flags}), and this classpath. Add the main
     * class and its arguments.
     */
    public static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : System.getProperty("tcpip.child.jvm.flags", "").trim().split("\\s+")) {
            if (!flag.isEmpty()) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }
}
