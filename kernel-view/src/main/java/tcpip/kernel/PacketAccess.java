package tcpip.kernel;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How this process can see packets: as root, inside a private network namespace that a normal user
 * made without root ({@code tcpip.cli.PrivateNetwork}), through a tcpdump allowed to capture for this
 * user, or not at all, with the reason and the one thing that fixes it. Decided by what can actually
 * capture (capabilities, a trial), never by the user id alone; computed once per process.
 */
public final class PacketAccess {

    /** How packets are captured here. */
    public enum Kind {
        /** CAP_NET_RAW in this namespace (root, or root in a container): tcpdump captures lo. */
        ROOT,
        /** Not root, but tcpdump itself may capture (a capability or group given to it). */
        PERMITTED,
        /** A user + network namespace made for this run: its own lo, where tcpdump captures as this user. */
        PRIVATE_NAMESPACE,
        /** Nothing can capture here: see {@link #reason()} and {@link #fix()}. */
        NONE
    }

    /**
     * Set by the launcher inside the namespace it made: that namespace's {@code /proc/self/ns/net} link.
     * A process counts as inside only while its own link is the same, so a stray variable means nothing.
     */
    public static final String NAMESPACE_VARIABLE = "TCPIP_PRIVATE_NETNS";
    /** {@code -Dtcpip.packets=off}: behave as a machine where nothing can capture (and make no namespace). */
    public static final String SWITCH_PROPERTY = "tcpip.packets";
    private static final int CAP_NET_RAW = 13;
    private static final Duration TRIAL_TIMEOUT = Duration.ofSeconds(5);
    private static final String[] TOOL_DIRS = {"/usr/sbin", "/usr/bin", "/sbin", "/bin"};

    private static PacketAccess current;
    private static PacketAccess launcherVerdict;

    private final Kind kind;
    private final String reasonKey;
    private final Object[] reasonArgs;
    private final String fixKey;
    private final Object[] fixArgs;

    private PacketAccess(Kind kind, String reasonKey, Object[] reasonArgs, String fixKey, Object[] fixArgs) {
        this.kind = kind;
        this.reasonKey = reasonKey;
        this.reasonArgs = reasonArgs;
        this.fixKey = fixKey;
        this.fixArgs = fixArgs;
    }

    private static PacketAccess of(Kind kind) {
        return new PacketAccess(kind, null, new Object[0], null, new Object[0]);
    }

    /**
     * Nothing can capture: {@code reasonKey} and {@code fixKey} are sentences of the kernel view's bundle
     * ({@code access.reason.*}, {@code access.fix.*}), built in the language in force when they are printed.
     */
    public static PacketAccess none(String reasonKey, List<?> reasonArgs, String fixKey, List<?> fixArgs) {
        return new PacketAccess(Kind.NONE, reasonKey, reasonArgs.toArray(), fixKey, fixArgs.toArray());
    }

    /** This process's access, decided once (the launcher may have recorded why it made no namespace). */
    public static synchronized PacketAccess current() {
        if (current == null) {
            current = detect();
        }
        return current;
    }

    /** Recorded by the launcher when it could not make a private namespace: {@link #current()} reports it. */
    public static synchronized void noPrivateNamespace(PacketAccess why) {
        launcherVerdict = why;
        current = null;
    }

    /** For tests: forget the decision, so the next {@link #current()} decides again. */
    public static synchronized void forget() {
        current = null;
        launcherVerdict = null;
    }

    private static PacketAccess detect() {
        if ("off".equalsIgnoreCase(System.getProperty(SWITCH_PROPERTY, "").trim())) {
            return none("access.reason.switched.off", List.of(), "access.fix.switched.off", List.of());
        }
        if (!linux()) {
            return none("access.reason.not.linux", List.of(System.getProperty("os.name")), "access.fix.container",
                    List.of());
        }
        if (tool("tcpdump").isEmpty()) {
            return none("access.reason.no.tool", List.of("tcpdump"), "access.fix.install", List.of("tcpdump"));
        }
        if (inPrivateNamespace()) {
            return of(Kind.PRIVATE_NAMESPACE);
        }
        if (hasCapability(CAP_NET_RAW)) {
            return of(Kind.ROOT);
        }
        // Not root: a tcpdump given its own capability (setcap, a pcap group) may still capture.
        // -d opens the interface and prints the filter's code without capturing anything.
        Optional<String> refused = trial(List.of(tool("tcpdump").get().toString(), "-i", "lo", "-d", "tcp"));
        if (refused.isEmpty()) {
            return of(Kind.PERMITTED);
        }
        return launcherVerdict != null ? launcherVerdict
                : none("access.reason.no.namespace", List.of(), "access.fix.launcher", List.of());
    }

    public Kind kind() {
        return kind;
    }

    /** True if tcpdump is expected to capture here. */
    public boolean canCapture() {
        return kind != Kind.NONE;
    }

    /** Why nothing can capture (empty unless {@link Kind#NONE}), in the language in force. */
    public String reason() {
        return reasonKey == null ? "" : KernelText.get(reasonKey, reasonArgs);
    }

    /** The one thing that fixes it (empty unless {@link Kind#NONE}). */
    public String fix() {
        return fixKey == null ? "" : KernelText.get(fixKey, fixArgs);
    }

    /** "REASON; to see them: FIX" (empty unless {@link Kind#NONE}): what a stage says once instead of packets. */
    public String whyNoPackets() {
        return kind != Kind.NONE ? "" : KernelText.get("access.why", reason(), fix());
    }

    /** One line for a run's first lines: how packets are captured here. */
    public String describe() {
        return kind == Kind.NONE ? KernelText.get("access.NONE", reason(), fix())
                : KernelText.get("access." + kind.name());
    }

    /** True if this process runs in the private namespace the launcher made (its marker names this namespace). */
    public static boolean inPrivateNamespace() {
        String marker = System.getenv(NAMESPACE_VARIABLE);
        return marker != null && !marker.isBlank() && marker.trim().equals(networkNamespace().orElse(null));
    }

    /** This process's network namespace, as the link {@code /proc/self/ns/net} reads ({@code net:[4026531840]}). */
    public static Optional<String> networkNamespace() {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** True inside a Docker or Podman container (their marker files), where the fix is the container's options. */
    public static boolean inContainer() {
        return Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"));
    }

    /** True on Linux (namespaces, /proc, tcpdump on lo). */
    public static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /** True if this process's effective capability set holds capability number {@code bit} (linux/capability.h). */
    public static boolean hasCapability(int bit) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return new BigInteger(line.substring(7).trim(), 16).testBit(bit);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** A system tool on the PATH or in the sbin/bin folders (where ip, nft and tcpdump live on Debian). */
    public static Optional<Path> tool(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of(TOOL_DIRS));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /**
     * Runs a short command (no input, bounded in time) and returns its complaint: empty if it exited 0,
     * else the first line it printed, or its exit code.
     */
    public static Optional<String> trial(List<String> command) {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, Background.OWN_THREAD);
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TRIAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.of(String.join(" ", command) + ": no answer within " + TRIAL_TIMEOUT.toSeconds() + " s");
            }
        } catch (IOException e) {
            // the command closed its input first: its exit code tells
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return Optional.of("interrupted");
        }
        if (p.exitValue() == 0) {
            return Optional.empty();
        }
        String text = out.join().strip();
        String first = text.isEmpty() ? "exit code " + p.exitValue() : text.lines().findFirst().orElse("").strip();
        return Optional.of(first);
    }
}
