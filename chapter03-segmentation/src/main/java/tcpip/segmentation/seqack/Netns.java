package tcpip.segmentation.seqack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throwaway network namespace with its own loopback (MTU 1500, 127.0.0.1 only) and one nftables
 * table for drop rules. Removed by close(), by a shutdown hook (Ctrl-C, SIGTERM) and, after a JVM
 * crash, by the reaper at the start of the next run (names carry the creator's PID).
 */
public final class Netns implements AutoCloseable {

    /** Every namespace we create starts with this; the reaper touches nothing else. */
    public static final String PREFIX = "tcpiplab-";
    /** Ethernet's MTU: the MSS option in the SYN becomes the article's 1460. */
    public static final int MTU = 1500;
    /** The nftables table holding the experiment's one drop rule. */
    public static final String TABLE = "tcpiplab";
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final Thread hook;
    private volatile boolean closed;

    private Netns(String name) {
        this.name = name;
        this.hook = new Thread(this::delete, "netns-cleanup-" + name);
    }

    /** Why the lab cannot run here (one line with the fix), or empty if it can. */
    public static Optional<String> missing() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of(tcpip.segmentation.Msg.get("Netns.notLinux", System.getProperty("os.name")));
        }
        if (!Files.isReadable(Path.of("/proc/self/status")) || !isRoot()) {
            return Optional.of(tcpip.segmentation.Msg.get("Netns.notRoot"));
        }
        for (String tool : List.of("ip", "nft", "tcpdump", "ss", "nstat")) {
            if (find(tool) == null) {
                String pkg = switch (tool) {
                    case "nft" -> "nftables";
                    case "tcpdump" -> "tcpdump";
                    default -> "iproute2";
                };
                return Optional.of(tcpip.segmentation.Msg.get("Netns.noTool", tool, pkg));
            }
        }
        return Optional.empty();
    }

    /** Removes stale namespaces, then creates a fresh one with lo at MTU 1500 and no offload. */
    public static Netns create() throws IOException {
        reapStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        Netns ns = new Netns(name);
        Runtime.getRuntime().addShutdownHook(ns.hook);
        try {
            run(List.of("ip", "netns", "add", name));
            run(List.of("ip", "-n", name, "link", "set", "lo", "mtu", String.valueOf(MTU), "up"));
            // Without this, lo passes 64 KiB GSO packets and a "dropped packet" would be 45 segments:
            // each packet is then one MSS-sized segment, as a NIC puts it on the wire.
            run(List.of("ip", "-n", name, "link", "set", "lo", "gso_max_size", String.valueOf(MTU)));
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    /** Namespaces with our prefix whose creating process is gone (a JVM that crashed). */
    public static List<String> reapStale() throws IOException {
        List<String> reaped = new ArrayList<>();
        for (String ns : list()) {
            String[] parts = ns.substring(PREFIX.length()).split("-");
            boolean alive = false;
            try {
                alive = ProcessHandle.of(Long.parseLong(parts[0])).isPresent();
            } catch (NumberFormatException e) {
                // not one of ours after all: treat as stale only if it has our shape
            }
            if (!alive) {
                run(List.of("ip", "netns", "delete", ns));
                reaped.add(ns);
            }
        }
        return reaped;
    }

    /** Every namespace whose name starts with {@link #PREFIX}. */
    public static List<String> list() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String n = line.strip().split("\\s+")[0];
            if (n.startsWith(PREFIX)) {
                names.add(n);
            }
        }
        return names;
    }

    public String name() {
        return name;
    }

    /** The command line that runs {@code command} inside this namespace. */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(List.of(find("ip").toString(), "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    /** Runs a command inside the namespace and returns its output; fails on a non-zero exit. */
    public String exec(String... command) throws IOException {
        return run(inside(List.of(command)));
    }

    /** A sysctl as this namespace sees it (many net.* values are per namespace). */
    public String sysctl(String dotted) throws IOException {
        return exec("cat", "/proc/sys/" + dotted.replace('.', '/')).strip();
    }

    /** Installs {@code rule} (nft syntax) as the only rule of our table, in the input hook. */
    public void dropRule(String rule) throws IOException {
        clearRules();
        String script = "table inet " + TABLE + " {\n  chain in {\n    type filter hook input priority 0;\n    "
                + rule + "\n  }\n}\n";
        runWithInput(inside(List.of("nft", "-f", "-")), script);
    }

    /** The rule as nft lists it now, with its counter (packets dropped so far). */
    public String listRule() throws IOException {
        for (String line : exec("nft", "list", "table", "inet", TABLE).split("\n")) {
            if (line.contains("drop")) {
                return line.strip();
            }
        }
        return tcpip.segmentation.Msg.get("Netns.noRule");
    }

    /** Deletes our table if present. */
    public void clearRules() throws IOException {
        if (exec("nft", "list", "tables").contains(TABLE)) {
            exec("nft", "delete", "table", "inet", TABLE);
        }
    }

    /** Names of the nftables tables in the namespace (empty when we left nothing behind). */
    public String tables() throws IOException {
        return exec("nft", "list", "tables").strip();
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
    }

    private synchronized void delete() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            run(List.of("ip", "netns", "delete", name)); // also ends every socket and rule inside it
        } catch (IOException | RuntimeException e) {
            System.err.println(tcpip.segmentation.Msg.get("Netns.notDeleted", name, e.getMessage()));
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective UID
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    static Path find(String tool) {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }

    static String run(List<String> command) throws IOException {
        return runWithInput(command, null);
    }

    private static String runWithInput(List<String> command, String input) throws IOException {
        List<String> resolved = new ArrayList<>(command);
        Path tool = find(resolved.get(0));
        if (tool != null) {
            resolved.set(0, tool.toString());
        }
        Process p = new ProcessBuilder(resolved).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(tcpip.segmentation.Msg.get("Netns.timedOut", String.join(" ", command)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted: " + String.join(" ", command));
        }
        String text = out.join();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + text.strip());
        }
        return text;
    }
}
