package tcpip.segmentation.seqack;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.kernel.Segment;
import tcpip.kernel.TcpdumpLine;

/**
 * {@code tcpdump -n -S -tt} on a loopback (a lab namespace's, or the host's), keeping each segment
 * with the SACK blocks of its line and capturing headers only so that bursts are not lost.
 */
final class LoopbackCapture implements AutoCloseable {

    private static final Pattern SACK = Pattern.compile("sack \\d+ ((?:\\{\\d+:\\d+\\}\\s*)+)");
    private static final Pattern BLOCK = Pattern.compile("\\{(\\d+):(\\d+)\\}");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    /** Headers only: with the default 256 KiB per packet the capture ring holds ~8 and a burst is lost. */
    private static final String SNAPLEN = "160";
    private static final String BUFFER_KIB = "8192";
    private static final Duration POLL = Duration.ofMillis(2);

    /** One captured segment, its SACK blocks ({start, end} pairs) and whether its SYN had timestamps. */
    record Packet(Segment segment, List<long[]> sack, boolean timestamps) {
        String describe(double t0) {
            StringBuilder sb = new StringBuilder(String.format("%9.3f ms  %s", (segment.time() - t0) * 1000,
                    segment.describe()));
            for (long[] b : sack) {
                sb.append(" SACK{").append(b[0]).append(':').append(b[1]).append('}');
            }
            return sb.toString();
        }
    }

    private final Process process;
    private final List<Packet> packets = new ArrayList<>();
    private final CountDownLatch drained = new CountDownLatch(1);

    private LoopbackCapture(Process process) {
        this.process = process;
    }

    /** Starts capturing TCP on {@code port} inside {@code ns} (null: the host's lo); returns once tcpdump listens. */
    static LoopbackCapture start(Netns ns, int port) throws IOException {
        List<String> tcpdump = List.of("tcpdump", "-i", "lo", "-n", "-S", "-tt", "-l", "--immediate-mode", "-s",
                SNAPLEN, "-B", BUFFER_KIB, "tcp port " + port);
        Process p = new ProcessBuilder(ns == null ? tcpdump : ns.inside(tcpdump)).start();
        LoopbackCapture capture = new LoopbackCapture(p);
        CountDownLatch listening = new CountDownLatch(1);
        StringBuilder errors = new StringBuilder();
        Thread.ofPlatform().daemon().name("lab-tcpdump-err").start(() -> {
            try (BufferedReader err = p.errorReader(StandardCharsets.UTF_8)) {
                for (String line; (line = err.readLine()) != null;) {
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
        Thread.ofPlatform().daemon().name("lab-tcpdump-out").start(() -> {
            try (BufferedReader out = p.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = out.readLine()) != null;) {
                    String raw = line;
                    TcpdumpLine.parse(raw).ifPresent(s -> capture.add(new Packet(s, sackBlocks(raw),
                            raw.contains("TS val"))));
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
            throw new IOException(ns == null ? tcpip.segmentation.Msg.get("LoopbackCapture.cannot", errors.toString().strip())
                    : tcpip.segmentation.Msg.get("LoopbackCapture.cannotIn", ns.name(), errors.toString().strip()));
        }
        return capture;
    }

    /** The SACK blocks printed on one tcpdump line, e.g. {@code sack 1 {100:200}}. */
    static List<long[]> sackBlocks(String line) {
        List<long[]> blocks = new ArrayList<>();
        Matcher m = SACK.matcher(line);
        if (m.find()) {
            Matcher b = BLOCK.matcher(m.group(1));
            while (b.find()) {
                blocks.add(new long[] {Long.parseLong(b.group(1)), Long.parseLong(b.group(2))});
            }
        }
        return blocks;
    }

    private synchronized void add(Packet p) {
        packets.add(p);
    }

    synchronized List<Packet> packets() {
        return List.copyOf(packets);
    }

    /** Waits (bounded) until some captured packet satisfies {@code condition}; true if one did. */
    boolean await(Predicate<List<Packet>> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.test(packets())) {
                return true;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return condition.test(packets());
    }

    /** Stops tcpdump after it printed what it had. */
    List<Packet> stop() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM reaches tcpdump through ip netns exec (exec'd, same PID)
            try {
                process.waitFor(2, TimeUnit.SECONDS);
                drained.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
        return packets();
    }

    @Override
    public void close() {
        stop();
    }
}
