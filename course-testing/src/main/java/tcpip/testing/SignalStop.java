package tcpip.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A program stopped by SIGTERM while it is really mid-run (connected to a server that never answers,
 * blocked in a write, retrying), in its own JVM, and what it left: the rule "one clear line on stderr that
 * names the program, no stack trace, a non-zero exit" checked for every client of a module at once.
 */
public final class SignalStop {

    /** How often the child's output or the server's state is looked at while waiting for it to be mid-run. */
    private static final Duration POLL = Duration.ofMillis(5);
    /** The JVM's exit status for SIGTERM: 128 + 15. */
    public static final int SIGTERM_STATUS = 143;
    /** How long one client may take to get mid-run and then stop. */
    public static final Duration LIMIT = Duration.ofSeconds(30);
    /** Child JVMs at once: the machine may have 2 cores, and other modules' tests run meanwhile. */
    public static final int AT_ONCE = 3;

    private SignalStop() {
    }

    /** What the stopped program left; {@code midRun} false if it ended (or never got there) before the signal. */
    public record Result(String program, boolean midRun, int exitCode, String stdout, String stderr) {

        /**
         * Null if the program was stopped mid-run and left exactly one line on stderr, naming it and
         * containing {@code words}, no stack trace, and exit status {@code exitCode}; otherwise what is wrong.
         */
        public String problem(String words, int expectedExit) {
            List<String> lines = stderr.strip().lines().toList();
            if (!midRun) {
                return program + ": never mid-run before the signal (exit " + exitCode + ", stdout: " + stdout.strip()
                        + ", stderr: " + stderr.strip() + ")";
            }
            if (lines.size() != 1 || !lines.get(0).startsWith(program + ": ") || !lines.get(0).contains(words)
                    || stderr.contains("\tat ") || stderr.contains("Exception in thread") || exitCode != expectedExit) {
                return program + ": exit " + exitCode + ", " + lines.size() + " line(s) on stderr: " + stderr.strip();
            }
            return null;
        }
    }

    /** A loopback server that accepts every connection and then neither reads nor writes: its clients wait. */
    public static final class StallingServer implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        private StallingServer(ServerSocket listener) {
            this.listener = listener;
            Thread.ofPlatform().daemon().name("stalling-server").start(() -> {
                try {
                    while (true) {
                        accepted.add(listener.accept());
                    }
                } catch (IOException closed) {
                    // close() ends the loop
                }
            });
        }

        /** Bound to 127.0.0.1, port 0 (the kernel picks one), accepting from now on. */
        public static StallingServer start() throws IOException {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new StallingServer(listener);
        }

        public int port() {
            return listener.getLocalPort();
        }

        /** How many connections accept() has returned. */
        public int accepted() {
            return accepted.size();
        }

        /** True once a connection has at least {@code bytes} waiting, sent by its client and never read (FIONREAD). */
        public boolean holds(int bytes) {
            for (Socket s : accepted) {
                try {
                    if (s.getInputStream().available() >= bytes) {
                        return true;
                    }
                } catch (IOException gone) {
                    // the client's end went away
                }
            }
            return false;
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * Starts {@code main} with {@code args} in a child JVM ({@link MainRunner#java}), stdin given {@code stdin}
     * (may be null) and then kept open, stdout and stderr to files in {@code dir} (Process.destroy() closes
     * the pipes); waits until {@code midRun} (given the stdout so far) holds, at most {@code limit}; sends
     * SIGTERM (Process.destroy()) and waits, at most {@code limit} again, for the JVM to end. {@code jvmFlags}
     * ({@code -Xmx16m}) come after the build's own, so they win.
     */
    public static Result stop(Class<?> main, List<String> args, String stdin, Path dir, Predicate<String> midRun,
            Duration limit, String... jvmFlags) throws IOException, InterruptedException {
        List<String> command = MainRunner.java();
        command.addAll(command.indexOf("-cp"), List.of(jvmFlags));
        command.add(main.getName());
        command.addAll(args);
        Path out = Files.createTempFile(dir, main.getSimpleName(), ".out");
        Path err = Files.createTempFile(dir, main.getSimpleName(), ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            long deadline = System.nanoTime() + limit.toNanos();
            boolean there = false;
            while (p.isAlive() && System.nanoTime() - deadline < 0
                    && !(there = midRun.test(Files.readString(out, StandardCharsets.UTF_8)))) {
                LockSupport.parkNanos(POLL.toNanos());
            }
            there = there && p.isAlive();
            p.destroy(); // SIGTERM
            boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            }
            return new Result(main.getSimpleName(), there, ended ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Runs {@code runs} on {@code threads} threads at once; their results in the same order. */
    public static <T> List<T> inParallel(List<Callable<T>> runs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().factory());
        try {
            List<Future<T>> started = new ArrayList<>();
            for (Callable<T> r : runs) {
                started.add(pool.submit(r));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : started) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The simple names of the classes beside {@code anyClass} (same classes directory, any package) that end
     * in {@code Client} and have a {@code public static void main(String[])}: the clients a module ships.
     */
    public static TreeSet<String> clientMains(Class<?> anyClass) {
        Path root;
        try {
            root = Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        TreeSet<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith("Client.class")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Method main = Class.forName(name, false, anyClass.getClassLoader()).getMethod("main", String[].class);
                    if (Modifier.isStatic(main.getModifiers())) {
                        names.add(name.substring(name.lastIndexOf('.') + 1));
                    }
                } catch (ReflectiveOperationException e) {
                    // a *Client class without a main is not a program
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
