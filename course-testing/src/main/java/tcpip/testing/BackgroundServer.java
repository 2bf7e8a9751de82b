package tcpip.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import java.util.regex.Matcher;

/**
 * A README line marked {@code # runs until Ctrl-C}: started on port 0, ready once it printed its
 * first line, and the port the kernel gave it read back (from /proc, by the caller's
 * {@code listeningPort}) so the fence's later lines reach it. The fence stops it at its end.
 */
final class BackgroundServer {

    private static final Duration READY_LIMIT = Duration.ofSeconds(30);
    /** Servers print after listen(): only a slow /proc needs more than one look. */
    private static final Duration LISTEN_LIMIT = Duration.ofSeconds(1);

    private BackgroundServer() {
    }

    /** Starts {@code program} for line {@code c}; records its README port -> real port in {@code ports}. */
    static Process start(ReadmeCommand c, LongFunction<Optional<Integer>> listeningPort, ReadmeProgram program,
            Map<Integer, Integer> ports) throws Exception {
        Process p = new ProcessBuilder(program.command()).directory(program.dir().toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        CountDownLatch firstLine = new CountDownLatch(1);
        StringBuilder seen = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (seen) {
                        if (seen.length() < 4000) {
                            seen.append(line).append('\n');
                        }
                    }
                    firstLine.countDown();
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                firstLine.countDown();
            }
        });
        // Ready when it has printed its first line (servers print after bind()).
        boolean printed = firstLine.await(READY_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!printed || !p.isAlive()) {
            p.destroyForcibly();
            fail(c.where() + ": '" + c.text() + "' should keep running but " + (printed ? "exited" : "printed nothing")
                    + ":\n" + seen);
        }
        synchronized (seen) {
            ReadmeProgram.assertNoUnknownOption(c, seen.toString());
        }
        // The README's port -> the port the kernel gave this server (its LISTEN socket's inode is in its fds).
        Integer readmePort = readmePort(c);
        if (readmePort != null && !ports.containsKey(readmePort)) {
            awaitListening(listeningPort, p.pid()).ifPresent(actual -> ports.put(readmePort, actual));
        }
        return p;
    }

    /** Stops a server as Ctrl-C would (SIGTERM: its shutdown hook closes it), forcibly after 10 s. */
    static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }

    private static Integer readmePort(ReadmeCommand c) {
        List<String> w = ReadmeCommand.words(c.text());
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).equals("--port") && i + 1 < w.size()) {
                return Integer.parseInt(w.get(i + 1));
            }
        }
        for (String word : w) {
            Matcher d = ReadmeProgram.DEFINE.matcher(word);
            if (d.matches() && d.group(1).equals("args")) {
                List<String> args = ReadmeCommand.words(d.group(2));
                int i = args.indexOf("--port");
                if (i >= 0 && i + 1 < args.size() && args.get(i + 1).matches("\\d+")) {
                    return Integer.parseInt(args.get(i + 1));
                }
            }
        }
        if (c.background()) {
            fail(c.where() + ": a server that runs until Ctrl-C must give --port N in -Dargs, so the doc test can "
                    + "run it on a port the kernel picks: " + c.text());
        }
        return null;
    }

    /** The port process {@code pid} listens on, polled for {@link #LISTEN_LIMIT}; empty for a program that listens on none. */
    private static Optional<Integer> awaitListening(LongFunction<Optional<Integer>> listeningPort, long pid) {
        long deadline = System.nanoTime() + LISTEN_LIMIT.toNanos();
        while (System.nanoTime() < deadline && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Optional<Integer> port = listeningPort.apply(pid);
            if (port.isPresent()) {
                return port;
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return Optional.empty();
    }
}
