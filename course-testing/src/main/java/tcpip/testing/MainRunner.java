package tcpip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a program's main in its own JVM (same java, same classpath as the test) and captures
 * what a user would see: exit code, stdout, stderr. For testing --help and bad arguments, and
 * for programs that call System.exit.
 */
public final class MainRunner {

    /**
     * Where a child's output is read, and other work that blocks: a daemon thread of its own, never the
     * common pool of {@code supplyAsync(task)}, which has one thread on 2 cores (kernel-view's
     * {@code Background.OWN_THREAD} for the course's programs; this module sits below kernel-view).
     */
    public static final Executor OWN_THREAD = task -> Thread.ofPlatform().daemon().name("background").start(task);

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
     * Runs {@code main} inside this JVM when the course's {@code tcpip.cli.InProcess} is on the
     * classpath (the main's exits through {@code Cli.exit} become returns, its output is captured,
     * one run at a time): a command-line check then costs no JVM start. Without it, in a child JVM
     * as {@link #run}. For --help and bad arguments, which end in the main's own thread; a main that
     * is still running after {@code timeout} gives exit code -1.
     */
    public static Result runHere(Duration timeout, Class<?> main, String... args) {
        Method inProcess;
        try {
            inProcess = Class.forName("tcpip.cli.InProcess").getMethod("run", Class.class, String[].class);
        } catch (ReflectiveOperationException e) {
            return run(timeout, main, args);
        }
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("in-process " + main.getSimpleName()).start(() -> {
            try {
                Record r = (Record) inProcess.invoke(null, main, args);
                var c = r.getClass();
                result.complete(new Result((int) c.getMethod("exitCode").invoke(r), (String) c.getMethod("stdout").invoke(r),
                        (String) c.getMethod("stderr").invoke(r)));
            } catch (ReflectiveOperationException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Result(-1, "", main.getSimpleName() + " still running after " + timeout);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not run " + main.getName() + " in this JVM", e.getCause());
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
        }, OWN_THREAD);
    }
}
