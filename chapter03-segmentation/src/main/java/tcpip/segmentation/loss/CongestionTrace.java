package tcpip.segmentation.loss;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.segmentation.Msg;

/**
 * The kernel's own account of one connection's loss recovery, from its tracepoints: every ACK the
 * sender read ({@code tcp:tcp_probe}), every change of its congestion state ({@code tcp:tcp_cong_state_set}:
 * Open, Disorder, CWR, Recovery, Loss) and every resend ({@code tcp:tcp_retransmit_skb}). It uses a tracefs
 * instance of its own (never the machine's main buffer), filtered to the lab's two ports, and removes it
 * when done. tracefs is global and root's only: as a normal user the lab says so and explains from the
 * counters and the capture alone.
 */
final class CongestionTrace implements AutoCloseable {

    /** The congestion states, by the number the tracepoint prints. */
    static final List<String> STATES = List.of("Open", "Disorder", "CWR", "Recovery", "Loss");
    private static final Path TRACING = Path.of("/sys/kernel/tracing");
    private static final String PREFIX = "tcpip-lab-";
    private static final List<String> EVENTS = List.of("tcp_probe", "tcp_cong_state_set", "tcp_retransmit_skb");
    private static final Pattern LINE = Pattern.compile(
            "^\\s*(.+?)-(\\d+)\\s+\\[\\d+\\]\\s+(\\S+)\\s+([\\d.]+): (\\w+): (.*)$");
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** One event: when (s), the task it ran in, whether in softirq, its name and fields. */
    record Event(double time, String task, boolean softirq, String name, Map<String, String> fields) {

        /** A number field ({@code data_len=0}, {@code snd_una=0x1a6e74c6}, {@code cong_state=3}); -1 if absent. */
        long number(String field) {
            String v = fields.get(field);
            if (v == null) {
                return -1;
            }
            return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
        }
    }

    private final Path instance;
    private List<Event> events;

    private CongestionTrace(Path instance) {
        this.instance = instance;
    }

    /** Why the trace cannot run here (one line), or empty if it can. */
    static Optional<String> unavailable() {
        Path events = TRACING.resolve("events/tcp/tcp_cong_state_set");
        if (!Files.isDirectory(events) || !Files.isWritable(TRACING.resolve("instances"))) {
            return Optional.of(Msg.get("LossLab.trace.unavailable", TRACING));
        }
        return Optional.empty();
    }

    /** Starts tracing, or empty where tracefs is not ours or refused (the lab explains without it). */
    static Optional<CongestionTrace> tryStart(int clientPort, int serverPort) {
        if (unavailable().isPresent()) {
            return Optional.empty();
        }
        try {
            return Optional.of(start(clientPort, serverPort));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Starts tracing the connection from {@code clientPort} to {@code serverPort} (the sender is the client). */
    static CongestionTrace start(int clientPort, int serverPort) throws IOException {
        removeStale();
        Path dir = TRACING.resolve("instances").resolve(PREFIX + ProcessHandle.current().pid() + "-"
                + INSTANCES.incrementAndGet());
        Files.createDirectory(dir);
        CongestionTrace t = new CongestionTrace(dir);
        try {
            String filter = "sport == " + clientPort + " && dport == " + serverPort;
            for (String e : EVENTS) {
                Files.writeString(dir.resolve("events/tcp/" + e + "/filter"), filter);
                Files.writeString(dir.resolve("events/tcp/" + e + "/enable"), "1");
            }
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    /** Stops, reads what was traced and removes the instance. */
    List<Event> stop() throws IOException {
        if (events == null) {
            Files.writeString(instance.resolve("tracing_on"), "0");
            events = parse(Files.readAllLines(instance.resolve("trace")));
            close();
        }
        return events;
    }

    static List<Event> parse(List<String> lines) {
        List<Event> out = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            Matcher f = FIELD.matcher(m.group(6));
            while (f.find()) {
                fields.put(f.group(1), f.group(2));
            }
            out.add(new Event(Double.parseDouble(m.group(4)), m.group(1).strip(), m.group(3).indexOf('s') >= 0,
                    m.group(5), Map.copyOf(fields)));
        }
        return List.copyOf(out);
    }

    @Override
    public void close() {
        try {
            for (String e : EVENTS) {
                Files.writeString(instance.resolve("events/tcp/" + e + "/enable"), "0");
            }
        } catch (IOException ignored) {
            // removing the instance below disables its events anyway
        }
        try {
            Files.deleteIfExists(instance);
        } catch (IOException ignored) {
            // busy: the next lab removes it (removeStale)
        }
    }

    /** Instances left by a lab that was killed (its process is gone). */
    private static void removeStale() {
        try (DirectoryStream<Path> all = Files.newDirectoryStream(TRACING.resolve("instances"), PREFIX + "*")) {
            for (Path p : all) {
                String[] parts = p.getFileName().toString().substring(PREFIX.length()).split("-");
                if (ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // nothing stale, or not ours to remove
        }
    }
}
