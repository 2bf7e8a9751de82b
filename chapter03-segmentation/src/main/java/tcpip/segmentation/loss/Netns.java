package tcpip.segmentation.loss;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.kernel.Background;
import tcpip.kernel.PacketAccess;
import tcpip.segmentation.Msg;

/**
 * The loss lab's throwaway network namespace: its first process (the lab's peer JVM) is started with
 * {@code unshare --net}, lo set to MTU 1500 first, and every tool (tcpdump, ss, nstat, nft, sysctl reads)
 * enters it with {@code nsenter --net=/proc/PID/ns/net}. As a normal user this happens inside the private
 * user namespace {@code tcpip.cli.PrivateNetwork} made, as root directly. Nothing is mounted and nothing
 * needs removing: the kernel deletes the namespace, its sockets and its nft rules when its last process ends.
 */
public final class Netns {

    /** Ethernet's MTU: the MSS option in the SYN becomes the article's 1460. */
    public static final int MTU = 1500;
    /** The nftables table holding the experiment's one drop rule. */
    public static final String TABLE = "tcpiplab";
    private static final long COMMAND_TIMEOUT_MS = 10_000;
    private static final List<String> TOOLS = List.of("unshare", "nsenter", "ip", "nft", "tcpdump", "ss", "nstat");
    /**
     * Run by the new namespace's first process before the program: lo at MTU 1500 and up; without
     * gso_max_size lo passes 64 KiB GSO packets and a "dropped packet" would be 45 segments: each packet
     * is then one MSS-sized segment, as a NIC puts it on the wire. {@code $0} is ip.
     */
    private static final String SETUP = "\"$0\" link set lo mtu " + MTU + " up && \"$0\" link set lo gso_max_size "
            + MTU + " && exec \"$@\"";

    private final Process first;
    private final String id;

    private Netns(Process first, String id) {
        this.first = first;
        this.id = id;
    }

    /** Why the lab cannot run here (one line with the fix), or empty if it can. */
    public static Optional<String> missing() {
        if (!PacketAccess.linux()) {
            return Optional.of(Msg.get("Netns.notLinux", System.getProperty("os.name")));
        }
        for (String tool : TOOLS) {
            if (PacketAccess.tool(tool).isEmpty()) {
                String pkg = switch (tool) {
                    case "nft" -> "nftables";
                    case "tcpdump" -> "tcpdump";
                    case "unshare", "nsenter" -> "util-linux";
                    default -> "iproute2";
                };
                return Optional.of(Msg.get("Netns.noTool", tool, pkg));
            }
        }
        PacketAccess access = PacketAccess.current();
        if (!access.canCapture()) {
            return Optional.of(Msg.get("Netns.noNamespace", access.whyNoPackets()));
        }
        // What the lab will do, tried: a namespace, its lo at MTU 1500 (root, or the private namespace's caps).
        Optional<String> refused = PacketAccess.trial(command(List.of(tool("ip"), "link", "set", "lo", "mtu",
                String.valueOf(MTU), "up")));
        return refused.map(why -> Msg.get("Netns.refused", why));
    }

    /**
     * Starts {@code program} as the first process of a new network namespace (lo at MTU 1500, up),
     * with pipes for its standard input and output; its standard error goes to ours.
     */
    static Process startFirst(List<String> program) throws IOException {
        return new ProcessBuilder(command(program)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static List<String> command(List<String> program) {
        List<String> command = new ArrayList<>(List.of(tool("unshare"), "--net", "--", "/bin/sh", "-c", SETUP,
                tool("ip")));
        command.addAll(program);
        return command;
    }

    /**
     * The namespace of {@code first}, a process {@link #startFirst} started, once it says which one it
     * is in ({@code reported}: its own {@code /proc/self/ns/net} link): then /proc/PID/ns/net is that
     * namespace, not the one unshare was started in.
     */
    static Netns of(Process first, String reported) throws IOException {
        String seen = link(first.pid()).orElse("");
        if (!seen.equals(reported) || reported.equals(PacketAccess.networkNamespace().orElse(""))) {
            throw new IOException(Msg.get("Netns.gone", String.valueOf(first.pid())));
        }
        return new Netns(first, reported);
    }

    /** The namespace, as the kernel names it ({@code net:[4026532400]}). */
    public String name() {
        return id;
    }

    /** The command line that runs {@code command} inside this namespace. */
    public List<String> inside(List<String> command) {
        List<String> full = new ArrayList<>(enter());
        full.addAll(command);
        return full;
    }

    /** The prefix that enters this namespace: {@code nsenter --net=/proc/PID/ns/net --}. */
    public List<String> enter() {
        return List.of(tool("nsenter"), "--net=/proc/" + first.pid() + "/ns/net", "--");
    }

    /** Runs a command inside the namespace and returns its output; fails on a non-zero exit. */
    public String exec(String... command) throws IOException {
        if (!first.isAlive()) {
            throw new IOException(Msg.get("Netns.gone", String.valueOf(first.pid()))); // never enter a namespace a new PID got
        }
        List<String> words = new ArrayList<>(List.of(command));
        words.set(0, tool(words.get(0)));
        return run(inside(words));
    }

    /** lo's MTU in this namespace ({@code ip -o link show lo}; /sys/class/net would show the host's). */
    public long mtu() throws IOException {
        Matcher m = Pattern.compile(" mtu (\\d+)").matcher(exec("ip", "-o", "link", "show",
                "lo"));
        if (!m.find()) {
            throw new IOException("ip -o link show lo: no mtu");
        }
        return Long.parseLong(m.group(1));
    }

    /** A sysctl as this namespace sees it (many net.* values are per namespace). */
    public String sysctl(String dotted) throws IOException {
        return exec("cat", "/proc/sys/" + dotted.replace('.', '/')).strip();
    }

    /**
     * Sets a sysctl of this namespace only (per-namespace net.* values: the machine's stay as they are);
     * returns the value it had, to put back.
     */
    public String setSysctl(String dotted, String value) throws IOException {
        String before = sysctl(dotted);
        runWithInput(inside(List.of(tool("tee"), "/proc/sys/" + dotted.replace('.', '/'))), value + "\n");
        return before;
    }

    /** Installs {@code rule} (nft syntax) as the only rule of our table, in the input hook. */
    public void dropRule(String rule) throws IOException {
        clearRules();
        String script = "table inet " + TABLE + " {\n  chain in {\n    type filter hook input priority 0;\n    "
                + rule + "\n  }\n}\n";
        runWithInput(inside(List.of(tool("nft"), "-f", "-")), script);
    }

    /** The rule as nft lists it now, with its counter (packets dropped so far). */
    public String listRule() throws IOException {
        for (String line : exec("nft", "list", "table", "inet", TABLE).split("\n")) {
            if (line.contains("drop")) {
                return line.strip();
            }
        }
        return Msg.get("Netns.noRule");
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

    /**
     * True once no process this user can see is in the namespace any more: the kernel then deletes it,
     * with its sockets and rules. (As root every process is visible.)
     */
    public boolean gone() {
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                if (link(Long.parseLong(p.getFileName().toString())).filter(id::equals).isPresent()) {
                    return false;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return true;
    }

    private static Optional<String> link(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** Where a tool is (the sbin folders too, which a normal user's PATH may lack); its bare name if nowhere. */
    static String tool(String name) {
        return PacketAccess.tool(name).map(Path::toString).orElse(name);
    }

    static String run(List<String> command) throws IOException {
        return runWithInput(command, null);
    }

    private static String runWithInput(List<String> command, String input) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Background.OWN_THREAD);
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(Msg.get("Netns.timedOut", String.join(" ", command)));
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
