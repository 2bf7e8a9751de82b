package tcpip.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs tcpdump on the loopback interface for one port, so a demo can print the real segments
 * the article draws. Optional: {@link #start} returns a capture that says why it cannot run
 * (no tcpdump, not permitted) instead of failing. Never captures anything but {@code lo}.
 */
public final class PacketCapture implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final String unavailableReason;
    private final List<Segment> segments = new ArrayList<>();
    private final CountDownLatch drained = new CountDownLatch(1);

    private PacketCapture(Process process, String unavailableReason) {
        this.process = process;
        this.unavailableReason = unavailableReason;
    }

    /** The command a learner can run by hand to see the same packets. */
    public static String command(int port) {
        return "sudo tcpdump -i lo -n -S 'tcp port " + port + "'";
    }

    /** True if a tcpdump binary is on the PATH. */
    public static boolean installed() {
        return findTcpdump() != null;
    }

    /**
     * Starts capturing TCP segments on {@code lo} to or from {@code port} and returns once
     * tcpdump is listening. Check {@link #running()} before relying on packets.
     */
    public static PacketCapture start(int port) {
        Path tcpdump = findTcpdump();
        if (tcpdump == null) {
            return new PacketCapture(null, "tcpdump is not installed (apt-get install tcpdump); to see the packets run: "
                    + command(port));
        }
        ProcessBuilder pb = new ProcessBuilder(tcpdump.toString(), "-i", "lo", "-n", "-S", "-tt", "-l",
                "--immediate-mode", "tcp port " + port);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new PacketCapture(null, "cannot start tcpdump (" + e.getMessage() + "); run: " + command(port));
        }
        PacketCapture capture = new PacketCapture(p, null);
        CountDownLatch listening = new CountDownLatch(1);
        StringBuilder errors = new StringBuilder();
        Thread.ofPlatform().daemon().name("tcpdump-stderr").start(() -> {
            try (BufferedReader err = p.errorReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (line.contains("listening on")) {
                        listening.countDown();
                    } else if (errors.length() < 500) {
                        errors.append(line).append(' ');
                    }
                }
            } catch (IOException ignored) {
                // tcpdump ended
            } finally {
                listening.countDown();
            }
        });
        Thread.ofPlatform().daemon().name("tcpdump-stdout").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    TcpdumpLine.parse(line).ifPresent(capture::add);
                }
            } catch (IOException ignored) {
                // tcpdump ended
            } finally {
                capture.drained.countDown();
            }
        });
        try {
            listening.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!p.isAlive()) {
            return new PacketCapture(null, "tcpdump cannot capture here (" + errors.toString().trim()
                    + "); as root run: " + command(port));
        }
        return capture;
    }

    private synchronized void add(Segment s) {
        segments.add(s);
    }

    /** True if tcpdump is capturing. */
    public boolean running() {
        return process != null;
    }

    /** Why there are no packets (empty string while running). */
    public String unavailableReason() {
        return unavailableReason == null ? "" : unavailableReason;
    }

    /** The segments seen so far. */
    public synchronized List<Segment> segments() {
        return List.copyOf(segments);
    }

    /**
     * Waits until at least {@code count} segments arrived or the timeout passed; returns what
     * was seen. (tcpdump prints with a small delay after the kernel sends.)
     */
    public List<Segment> awaitSegments(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running() && segments().size() < count && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        return segments();
    }

    /** Stops tcpdump and returns every segment it printed. */
    public List<Segment> stop() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: tcpdump flushes and exits
            try {
                process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                drained.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
        return segments();
    }

    @Override
    public void close() {
        stop();
    }

    private static Path findTcpdump() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, "tcpdump");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }
}
