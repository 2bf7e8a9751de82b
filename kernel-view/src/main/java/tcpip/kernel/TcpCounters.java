package tcpip.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's TCP counters, as {@code nstat} shows them (/proc/net/snmp "Tcp:" and
 * /proc/net/netstat "TcpExt:"): read before and after a stage to show what the kernel really did
 * (retransmissions, tail loss probes, SACK recovery) instead of what a textbook says it would do.
 * The counters cover the whole network namespace, so other traffic can add to them.
 */
public final class TcpCounters {

    private static final List<Path> FILES = List.of(Path.of("/proc/net/snmp"), Path.of("/proc/net/netstat"));

    private final Map<String, Long> values;

    private TcpCounters(Map<String, Long> values) {
        this.values = values;
    }

    /** Reads every Tcp and TcpExt counter now (empty off Linux). */
    public static TcpCounters read() {
        Map<String, Long> values = new LinkedHashMap<>();
        for (Path file : FILES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                continue;
            }
            for (int i = 0; i + 1 < lines.size(); i += 2) {
                String[] names = lines.get(i).split("\\s+");
                String[] numbers = lines.get(i + 1).split("\\s+");
                String prefix = names[0].replace(":", "");
                if (!prefix.startsWith("Tcp")) {
                    continue;
                }
                for (int k = 1; k < Math.min(names.length, numbers.length); k++) {
                    try {
                        values.put(prefix + names[k], Long.parseLong(numbers[k]));
                    } catch (NumberFormatException ignored) {
                        // not a counter
                    }
                }
            }
        }
        return new TcpCounters(values);
    }

    /** True if the counters could be read (Linux). */
    public boolean available() {
        return !values.isEmpty();
    }

    /** A counter by its nstat name, e.g. {@code TcpRetransSegs}, {@code TcpExtTCPLossProbes}; -1 if absent. */
    public long get(String name) {
        return values.getOrDefault(name, -1L);
    }

    /** How much a counter grew since {@code before}. */
    public long since(TcpCounters before, String name) {
        return get(name) - before.get(name);
    }
}
