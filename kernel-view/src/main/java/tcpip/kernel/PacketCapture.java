package tcpip.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Runs tcpdump on the loopback interface for one port, so a demo can print the real segments
 * the article draws. Optional: {@link #start} returns a capture that says why it cannot run
 * ({@link PacketAccess}: not root and no private namespace; no tcpdump) instead of failing. Never
 * captures anything but {@code lo}: this namespace's, or another one's ({@link #startIn}).
 */
public final class PacketCapture implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    private static final int REMEMBERED_PORTS = 64;
    /** Bytes of each packet kept: link + IP + TCP headers with options, and a little payload. */
    private static final int PCAP_SNAPLEN = 256;
    /** With headers only, 8 MiB holds a burst of tens of thousands of segments. */
    private static final int CAPTURE_BUFFER_KIB = 8192;
    /** Ports captures were started for, newest last: the server side of what they capture. */
    private static final Deque<Integer> CAPTURED_PORTS = new ArrayDeque<>();
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(2);
    /** tcpdump processes still running: ended by a shutdown hook on Ctrl-C or SIGTERM, not left behind. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroy), "tcpdump-cleanup"));
    }

    /**
     * One captured segment, the SACK blocks its line carried and whether it had the timestamp option
     * (tcpdump's {@code TS val}).
     */
    public record Packet(Segment segment, List<SackBlock> sack, boolean timestamps) {

        /** The packet on one {@code tcpdump -n -S -tt} line, or empty if it is not a TCP segment line. */
        public static Optional<Packet> parse(String line) {
            return TcpdumpLine.packet(line);
        }

        /** e.g. {@code     1.234 ms  45678 > 7007  DATA(1448)+ACK seq=... SACK{100:200}}: time after {@code t0}. */
        public String describe(double t0) {
            StringBuilder sb = new StringBuilder(String.format("%9.3f ms  %s", (segment.time() - t0) * 1000,
                    segment.describe()));
            for (SackBlock b : sack) {
                sb.append(" SACK{").append(b.start()).append(':').append(b.end()).append('}');
            }
            return sb.toString();
        }
    }

    /** One SACK block: the receiver holds bytes {@code start} up to (not including) {@code end}. */
    public record SackBlock(long start, long end) {
    }

    private final Process process;
    private final String unavailableReason;
    private final int port;
    private final Path pcapFile;
    private final List<Packet> packets = new ArrayList<>();
    private final CountDownLatch drained = new CountDownLatch(1);
    private boolean reported;

    private PacketCapture(Process process, String unavailableReason, int port, Path pcapFile) {
        this.process = process;
        this.unavailableReason = unavailableReason;
        this.port = port;
        this.pcapFile = pcapFile;
    }

    private static PacketCapture unavailable(String reason, int port) {
        PacketCapture c = new PacketCapture(null, reason, port, null);
        c.report();
        return c;
    }

    /** The command a learner can run by hand (as root, in a third terminal) to see the same packets. */
    public static String command(int port) {
        return "sudo tcpdump -i lo -n -S 'tcp port " + port + "'";
    }

    /** True if a capture in this JVM was started for {@code port} (demos capture their server's port). */
    static boolean capturedPort(int port) {
        synchronized (CAPTURED_PORTS) {
            return CAPTURED_PORTS.contains(port);
        }
    }

    /** True if a tcpdump binary is on the PATH. */
    public static boolean installed() {
        return findTcpdump() != null;
    }

    /** True if captures in this process are expected to see packets ({@link PacketAccess#canCapture()}). */
    public static boolean possible() {
        return PacketAccess.current().canCapture();
    }

    /**
     * Starts capturing TCP segments on {@code lo} to or from {@code port} and returns once
     * tcpdump is listening. Check {@link #running()} before relying on packets. While a stage
     * runner asked for .pcap files ({@link StageContext#pcapDir(Path)}), the packets are also
     * saved, in a file named after the stage.
     */
    public static PacketCapture start(int port) {
        return start(port, StageContext.nextPcapFile().orElse(null));
    }

    /**
     * Like {@link #start(int)}, and tcpdump also writes the packets to {@code pcapFile}
     * ({@code tcpdump -w}, a file Wireshark opens; null: no file).
     */
    public static PacketCapture start(int port, Path pcapFile) {
        return start(port, pcapFile, List.of());
    }

    /**
     * Like {@link #start(int)}, with tcpdump run in another network namespace: {@code enter} is the
     * command prefix that enters it (e.g. {@code nsenter --net=/proc/PID/ns/net --}); empty: this one.
     */
    public static PacketCapture startIn(List<String> enter, int port) {
        return start(port, StageContext.nextPcapFile().orElse(null), enter);
    }

    private static PacketCapture start(int port, Path pcapFile, List<String> enter) {
        synchronized (CAPTURED_PORTS) {
            CAPTURED_PORTS.remove(port);
            CAPTURED_PORTS.addLast(port);
            if (CAPTURED_PORTS.size() > REMEMBERED_PORTS) {
                CAPTURED_PORTS.removeFirst();
            }
        }
        PacketAccess access = PacketAccess.current();
        if (!access.canCapture()) {
            return unavailable(access.whyNoPackets(), port); // nothing to try: say why once, not "captured nothing"
        }
        Path tcpdump = findTcpdump();
        if (tcpdump == null) {
            return unavailable(KernelText.get("capture.no.tcpdump"), port);
        }
        // -s: headers only (a loopback segment can be 64 KiB; full copies overflow the capture
        // buffer in a burst and tcpdump then reports "dropped by kernel"); -B: an 8 MiB buffer.
        List<String> command = new ArrayList<>(enter);
        command.addAll(List.of(tcpdump.toString(), "-i", "lo", "-n", "-S", "-tt", "-l",
                "--immediate-mode", "-s", String.valueOf(PCAP_SNAPLEN), "-B", String.valueOf(CAPTURE_BUFFER_KIB)));
        if (pcapFile != null) {
            try {
                Path dir = pcapFile.toAbsolutePath().getParent();
                Files.createDirectories(dir);
            } catch (IOException e) {
                return unavailable(KernelText.get("capture.no.folder", pcapFile.toString(), String.valueOf(e.getMessage())),
                        port);
            }
            // -w writes the raw packets; -U flushes each one; --print keeps the text lines coming;
            // -s (above) keeps every header but little payload, so a bulk transfer's file stays small.
            command.addAll(List.of("-U", "-w", pcapFile.toString(), "--print"));
        }
        command.add("tcp port " + port);
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return unavailable(KernelText.get("capture.cannot.start", String.valueOf(e.getMessage())), port);
        }
        PacketCapture capture = new PacketCapture(p, null, port, pcapFile);
        CountDownLatch listening = new CountDownLatch(1);
        AtomicBoolean listens = new AtomicBoolean();
        StringBuilder errors = new StringBuilder();
        Thread.ofPlatform().daemon().name("tcpdump-stderr").start(() -> {
            try (BufferedReader err = p.errorReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (line.contains("listening on")) {
                        listens.set(true);
                        listening.countDown();
                    } else if (errors.length() < 500) {
                        synchronized (errors) {
                            errors.append(line).append(' ');
                        }
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
                    Packet.parse(line).ifPresent(capture::add);
                }
            } catch (IOException ignored) {
                // tcpdump ended
            } finally {
                capture.drained.countDown();
            }
        });
        try {
            listening.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!listens.get()) {
                // stderr ended without "listening on": tcpdump is on its way out; its words say why
                p.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!listens.get() || !p.isAlive()) {
            p.destroyForcibly();
            String why;
            synchronized (errors) {
                why = errors.toString().trim();
            }
            return unavailable(KernelText.get("capture.cannot.capture", why.isEmpty() ? "exit" : why), port);
        }
        LIVE.add(p);
        return capture;
    }

    private synchronized void add(Packet p) {
        packets.add(p);
    }

    /** True if tcpdump is capturing. */
    public boolean running() {
        return process != null;
    }

    /** Why there are no packets (empty string while running). */
    public String unavailableReason() {
        return unavailableReason == null ? "" : unavailableReason;
    }

    /** The .pcap file tcpdump writes, if one was asked for and tcpdump runs. */
    public Optional<Path> pcapFile() {
        return Optional.ofNullable(process == null ? null : pcapFile);
    }

    /** The segments seen so far. */
    public synchronized List<Segment> segments() {
        return packets.stream().map(Packet::segment).toList();
    }

    /** The packets seen so far, with their SACK blocks and timestamp flag. */
    public synchronized List<Packet> packets() {
        return List.copyOf(packets);
    }

    /**
     * Waits until at least {@code count} segments arrived or the timeout passed; returns what
     * was seen. (tcpdump prints with a small delay after the kernel sends.)
     */
    public List<Segment> awaitSegments(int count, Duration timeout) {
        await(ps -> ps.size() >= count, timeout);
        return segments();
    }

    /** Waits (bounded) until the packets seen satisfy {@code condition}; true if they did. */
    public boolean await(Predicate<List<Packet>> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running() && !condition.test(packets()) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
        }
        return condition.test(packets());
    }

    /** Stops tcpdump and returns every segment it printed. */
    public List<Segment> stop() {
        stopPackets();
        return segments();
    }

    /** Stops tcpdump and returns every packet it printed. */
    public List<Packet> stopPackets() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM (through nsenter, which passes it on): tcpdump flushes and exits
            try {
                process.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                drained.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
            rereadPcap();
        }
        if (process != null) {
            LIVE.remove(process);
        }
        report();
        return packets();
    }

    /**
     * With a .pcap file, the file is the record: tcpdump killed at the end of a stage may write a
     * packet to the file yet lose its text line, so the segments are read back from the file.
     */
    private void rereadPcap() {
        if (pcapFile == null || !Files.isRegularFile(pcapFile)) {
            return;
        }
        Path tcpdump = findTcpdump();
        try {
            Process reader = new ProcessBuilder(tcpdump.toString(), "-n", "-S", "-tt", "-r", pcapFile.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            List<Packet> fromFile = new ArrayList<>();
            try (BufferedReader in = reader.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    Packet.parse(line).ifPresent(fromFile::add);
                }
            }
            if (reader.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && reader.exitValue() == 0) {
                synchronized (this) {
                    if (fromFile.size() >= packets.size()) {
                        packets.clear();
                        packets.addAll(fromFile);
                    }
                }
            }
            reader.destroyForcibly();
        } catch (IOException e) {
            // keep the segments tcpdump printed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report() {
        synchronized (this) {
            if (reported) {
                return;
            }
            reported = true;
        }
        StageContext.finished(port, segments(), pcapFile(), unavailableReason());
    }

    @Override
    public void close() {
        stop();
    }

    private static Path findTcpdump() {
        return PacketAccess.tool("tcpdump").orElse(null);
    }
}
