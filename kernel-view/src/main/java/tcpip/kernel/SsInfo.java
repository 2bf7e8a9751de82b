package tcpip.kernel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ss -tinm} says about one connection: mss, advmss, pmtu, rcvmss, cwnd, and the
 * socket memory (skmem rb = receive buffer, tb = send buffer, as the kernel sized them).
 * Optional: when ss is missing, {@link #of} is empty and {@link #unavailableMessage} says so.
 *
 * @param fields every {@code key:value} token of the line, plus skmem's parts as skmem.rb etc.
 * @param raw    the detail line as ss printed it
 */
public record SsInfo(Map<String, String> fields, String raw) {

    private static final Pattern TOKEN = Pattern.compile("([a-z_]+):(\\S+)");
    private static final Pattern SKMEM = Pattern.compile("skmem:\\(([^)]*)\\)");
    private static final Pattern SKMEM_PART = Pattern.compile("([a-z]+)(\\d+)");

    /** True if an ss binary is installed. */
    public static boolean installed() {
        return find() != null;
    }

    /** The one line to print when ss is missing. */
    public static String unavailableMessage() {
        return KernelText.get("ss.unavailable");
    }

    /** The command a learner can type to see the same line. */
    public static String command(int localPort, int remotePort) {
        return "ss -tinm '( sport = :" + localPort + " and dport = :" + remotePort + " )'";
    }

    /** The connection seen from its end with local port {@code localPort}; empty without ss. */
    public static Optional<SsInfo> of(int localPort, int remotePort) {
        Path ss = find();
        if (ss == null || !RUNNING.tryAcquire()) {
            return Optional.empty(); // a storm of connections goes without the kernel view, not without service
        }
        try {
            return descriptorsFree() ? run(ss, localPort, remotePort) : Optional.empty();
        } finally {
            RUNNING.release();
        }
    }

    private static Optional<SsInfo> run(Path ss, int localPort, int remotePort) {
        ProcessBuilder pb = new ProcessBuilder(ss.toString(), "-H", "-t", "-i", "-n", "-m",
                "( sport = :" + localPort + " and dport = :" + remotePort + " )");
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            plugDescriptorZero();
            return Optional.empty();
        }
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return parse(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** ss processes running at once at most; more connections than that go without the kernel view. */
    private static final Semaphore RUNNING = new Semaphore(2);
    /** What {@link #plugDescriptorZero} opened: kept open for good. */
    private static final List<FileChannel> PLUGS = new ArrayList<>();

    /**
     * After a failed process start: if descriptor 0 was closed (the JDK does that on EMFILE), open /dev/null,
     * which the kernel gives the lowest free number, 0, so that no client's socket gets it and is closed by
     * the next failed start. Best effort: an accept() in between may take 0 first.
     */
    private static synchronized void plugDescriptorZero() {
        if (Files.exists(Path.of("/proc/self/fd")) && !Files.exists(Path.of("/proc/self/fd/0"))) {
            try {
                PLUGS.add(FileChannel.open(DEV_NULL));
            } catch (IOException | RuntimeException e) {
                // still out of descriptors: the next failed start tries again
            }
        }
    }

    /** Descriptors a process start needs (pipes for its streams and the JDK's own), with room to spare. */
    private static final int SPAWN_DESCRIPTORS = 12;

    /**
     * Whether a few descriptors are free now. A process start that fails for want of them (EMFILE) closes
     * this process's descriptor 0 (measured on JDK 21 and 25), which a server out of descriptors may have
     * reused for a client's socket: so ss is started only when it can get what it needs. (Another thread
     * may still take them in between: this makes the failure rare, not impossible.)
     */
    private static boolean descriptorsFree() {
        List<FileChannel> held = new ArrayList<>();
        try {
            for (int i = 0; i < SPAWN_DESCRIPTORS; i++) {
                held.add(FileChannel.open(DEV_NULL));
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            for (FileChannel c : held) {
                try {
                    c.close();
                } catch (IOException e) {
                    // a /dev/null descriptor: nothing to lose
                }
            }
        }
    }

    private static final Path DEV_NULL = Path.of("/dev/null");

    /** Parses ss output (a socket line and its indented detail line). */
    public static Optional<SsInfo> parse(String output) {
        String detail = null;
        for (String line : output.split("\n")) {
            if (line.contains("mss:") || line.contains("skmem:")) {
                detail = line.strip();
                break;
            }
        }
        if (detail == null) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = TOKEN.matcher(detail);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        Matcher sk = SKMEM.matcher(detail);
        if (sk.find()) {
            Matcher part = SKMEM_PART.matcher(sk.group(1));
            while (part.find()) {
                fields.put("skmem." + part.group(1), part.group(2));
            }
        }
        return Optional.of(new SsInfo(fields, detail));
    }

    /** A numeric field, or -1 if ss did not print it. */
    public long number(String key) {
        String v = fields.get(key);
        if (v == null) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** e.g. {@code mss=32741 advmss=65483 pmtu=65535 rcvmss=536}. */
    public String mssLine() {
        return "mss=" + number("mss") + " advmss=" + number("advmss") + " pmtu=" + number("pmtu")
                + " rcvmss=" + number("rcvmss");
    }

    /**
     * The window scales agreed in the SYN and SYN+ACK ({@code wscale:SEND,RECEIVE}): index 0 is
     * the peer's (its window field is shifted left by it), index 1 ours; empty if ss did not say.
     */
    public Optional<int[]> windowScales() {
        String v = fields.get("wscale");
        if (v == null || !v.matches("\\d+,\\d+")) {
            return Optional.empty();
        }
        String[] parts = v.split(",");
        return Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
    }

    /** e.g. {@code rb=65536 (receive buffer) tb=131072 (send buffer)}. */
    public String bufferLine() {
        return KernelText.get("ss.buffers", String.valueOf(number("skmem.rb")), String.valueOf(number("skmem.tb")));
    }

    private static Path find() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ss"))) {
                return Path.of(dir, "ss");
            }
        }
        return null;
    }
}
