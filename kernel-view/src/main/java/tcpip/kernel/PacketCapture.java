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
    private static final int REMEMBERED_PORTS = 64;
    /** Bytes of each packet saved in a .pcap: link + IP + TCP headers with options, and a little payload. */
    private static final int PCAP_SNAPLEN = 256;
    private static final int CAPTURE_BUFFER_KIB = 4096;
    /** Ports captures were started for, newest last: the server side of what they capture. */
    private static final java.util.Deque<Integer> CAPTURED_PORTS = new java.util.ArrayDeque<>();
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    private final Process process;
    private final String unavailableReason;
    private final int port;
    private final Path pcapFile;
    private final List<Segment> segments = new ArrayList<>();
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

    /** The command a learner can run by hand to see the same packets. */
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
        synchronized (CAPTURED_PORTS) {
            CAPTURED_PORTS.remove(port);
            CAPTURED_PORTS.addLast(port);
            if (CAPTURED_PORTS.size() > REMEMBERED_PORTS) {
                CAPTURED_PORTS.removeFirst();
            }
        }
        Path tcpdump = findTcpdump();
        if (tcpdump == null) {
            return unavailable(KernelText.get("capture.no.tcpdump", command(port)), port);
        }
        // -s: headers only (a loopback segment can be 64 KiB; full copies overflow the capture
        // buffer in a burst and tcpdump then reports "dropped by kernel"); -B: a 4 MiB buffer.
        List<String> command = new ArrayList<>(List.of(tcpdump.toString(), "-i", "lo", "-n", "-S", "-tt", "-l",
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
            return unavailable(KernelText.get("capture.cannot.start", String.valueOf(e.getMessage()), command(port)), port);
        }
        PacketCapture capture = new PacketCapture(p, null, port, pcapFile);
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
            return unavailable(KernelText.get("capture.cannot.capture", errors.toString().trim(), command(port)), port);
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

    /** The .pcap file tcpdump writes, if one was asked for and tcpdump runs. */
    public java.util.Optional<Path> pcapFile() {
        return java.util.Optional.ofNullable(process == null ? null : pcapFile);
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
            rereadPcap();
        }
        report();
        return segments();
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
            List<Segment> fromFile = new ArrayList<>();
            try (BufferedReader in = reader.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    TcpdumpLine.parse(line).ifPresent(fromFile::add);
                }
            }
            if (reader.waitFor(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && reader.exitValue() == 0) {
                synchronized (this) {
                    if (fromFile.size() >= segments.size()) {
                        segments.clear();
                        segments.addAll(fromFile);
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
