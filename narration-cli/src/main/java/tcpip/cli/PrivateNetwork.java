package tcpip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.Sysctl;

/**
 * Packets without root: a program that captures (or changes MTU, nft rules, sysctls) calls
 * {@link #enter} first, and when it is neither root nor inside one already, the same JVM command runs
 * again inside a private user + network namespace ({@code unshare --user --net}, lo brought up), where
 * this user's tcpdump may capture its own loopback; this process waits and exits with its code. Where
 * no namespace can be made, the program runs here and {@link PacketAccess#current()} says why.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     PrivateNetwork.enter(args);   // as a normal user: continues in the private namespace
 *     Lang.chooseFrom(args);
 *     ...
 * }</pre>
 */
public final class PrivateNetwork {

    private static final int CAP_NET_RAW = 13;
    /** Arguments that only print text: not worth a second JVM. */
    private static final List<String> TEXT_ONLY = List.of("--help", "-h", "--list");
    /** How long the parent waits for the child's own Ctrl-C or SIGTERM clean-up before forcing it. */
    private static final Duration CHILD_CLEANUP = Duration.ofSeconds(15);
    /** In the child, before the program: lo up (a new namespace's loopback starts down), then mark the namespace. */
    private static final String SETUP = "\"$0\" link set lo up || exit 125; "
            + PacketAccess.NAMESPACE_VARIABLE + "=$(readlink /proc/self/ns/net); export "
            + PacketAccess.NAMESPACE_VARIABLE + "; exec \"$@\"";

    private PrivateNetwork() {
    }

    /**
     * Continues in a private network namespace if this process needs one and can have one: returns only
     * in the process that should run the program (root, the namespace, or here when none can be made).
     */
    public static void enter(String[] args) {
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        if (InProcess.inside() || Arrays.stream(args).anyMatch(TEXT_ONLY::contains) || !startedAsMain(caller)) {
            return; // a test calling main, or text only: no second JVM
        }
        if (!PacketAccess.linux() || "off".equalsIgnoreCase(System.getProperty(PacketAccess.SWITCH_PROPERTY, "").trim())
                || PacketAccess.inPrivateNamespace() || PacketAccess.hasCapability(CAP_NET_RAW)) {
            return; // PacketAccess.current() tells which
        }
        List<String> self = ownCommandLine();
        Optional<PacketAccess> cannot = self.isEmpty()
                ? Optional.of(PacketAccess.none("access.reason.unshare.failed", List.of("/proc/self/cmdline"),
                        "access.fix.root", List.of()))
                : self.stream().anyMatch(a -> a.startsWith("-agentlib:jdwp"))
                        ? Optional.of(PacketAccess.none("access.reason.debugger", List.of(), "access.fix.root", List.of()))
                        : whyNoNamespace();
        if (cannot.isPresent()) {
            PacketAccess.noPrivateNamespace(cannot.get());
            return;
        }
        List<String> command = new ArrayList<>(unshare());
        command.addAll(List.of("--", "/bin/sh", "-c", SETUP, PacketAccess.tool("ip").orElseThrow().toString()));
        command.addAll(self);
        runAndWait(command).ifPresent(Cli::exit); // empty: the child could not start, so run here
    }

    /** True if this JVM was started for {@code caller}'s main (directly or through {@link Run}), not e.g. a test runner. */
    private static boolean startedAsMain(Class<?> caller) {
        String started = System.getProperty("sun.java.command", "").split(" ", 2)[0];
        return started.equals(caller.getName()) || started.equals(Run.class.getName());
    }

    /** {@code unshare} making a user namespace (this user mapped to itself) and a network namespace. */
    private static List<String> unshare() {
        String[] ids = ids();
        // --map-user/--map-group (util-linux 2.36+): the same uid inside, so tcpdump does not switch to its
        // own account as it does for root; --keep-caps: the namespace's capabilities stay ambient, so
        // tcpdump, ip, nft, nsenter and unshare started later keep them.
        return List.of(PacketAccess.tool("unshare").orElseThrow().toString(), "--user", "--map-user=" + ids[0],
                "--map-group=" + ids[1], "--keep-caps", "--net");
    }

    /** Empty if a private namespace can be made here; else why not and the one fix. */
    static Optional<PacketAccess> whyNoNamespace() {
        for (String[] tool : new String[][] {{"unshare", "util-linux"}, {"ip", "iproute2"}, {"tcpdump", "tcpdump"}}) {
            if (PacketAccess.tool(tool[0]).isEmpty()) {
                return Optional.of(PacketAccess.none("access.reason.no.tool", List.of(tool[0]), "access.fix.install",
                        List.of(tool[1])));
            }
        }
        List<String> trial = new ArrayList<>(unshare());
        trial.addAll(List.of("--", PacketAccess.tool("ip").get().toString(), "link", "set", "lo", "up"));
        Optional<String> refused = PacketAccess.trial(trial);
        if (refused.isEmpty()) {
            return Optional.empty();
        }
        // In a container the seccomp profile refuses namespaces unless the container may have them.
        String fix = PacketAccess.inContainer() ? "access.fix.container.caps" : "access.fix.root";
        if (Sysctl.number("kernel.apparmor_restrict_unprivileged_userns").orElse(0L) == 1) {
            return Optional.of(PacketAccess.none("access.reason.apparmor", List.of(), fix, List.of()));
        }
        for (String off : List.of("user.max_user_namespaces", "kernel.unprivileged_userns_clone")) {
            if (Sysctl.number(off).orElse(1L) == 0) {
                return Optional.of(PacketAccess.none("access.reason.userns.off", List.of(off), fix, List.of()));
            }
        }
        return Optional.of(PacketAccess.none("access.reason.unshare.failed", List.of(refused.get()), fix, List.of()));
    }

    /** Runs the child with this terminal; Ctrl-C reaches both, and this process leaves with the child's code. */
    private static Optional<Integer> runAndWait(List<String> command) {
        Process child;
        try {
            child = new ProcessBuilder(command).inheritIO().start();
        } catch (IOException e) {
            PacketAccess.noPrivateNamespace(PacketAccess.none("access.reason.unshare.failed",
                    List.of(String.valueOf(e.getMessage())), "access.fix.root", List.of()));
            return Optional.empty();
        }
        // Ctrl-C: the terminal signals the whole process group, so the child runs its own clean-up (tcpdump,
        // the loss lab's peer); a SIGTERM to this process alone is passed on. Either way this process waits
        // for the child and leaves with its exit code.
        Thread hook = new Thread(() -> {
            child.destroy();
            try {
                if (!child.waitFor(CHILD_CLEANUP.toMillis(), TimeUnit.MILLISECONDS)) {
                    child.destroyForcibly();
                }
                Runtime.getRuntime().halt(child.waitFor());
            } catch (InterruptedException e) {
                Runtime.getRuntime().halt(Cli.EXIT_FAILURE);
            }
        }, "private-network-child");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            int code = child.waitFor();
            Runtime.getRuntime().removeShutdownHook(hook);
            return Optional.of(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Cli.EXIT_FAILURE);
        } catch (IllegalStateException e) {
            return Optional.of(waitOut(child)); // already shutting down: the hook ends this process with the child's code
        }
    }

    private static int waitOut(Process child) {
        try {
            return child.waitFor();
        } catch (InterruptedException e) {
            return Cli.EXIT_FAILURE;
        }
    }

    /** This JVM's exact command line (java, its flags, class path, main class, arguments), or empty. */
    private static List<String> ownCommandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            List<String> words = new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
            if (words.isEmpty() || words.get(0).isEmpty()) {
                return List.of();
            }
            ProcessHandle.current().info().command().ifPresent(java -> words.set(0, java)); // absolute path
            return words;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The effective user and group id, from /proc/self/status. */
    private static String[] ids() {
        String[] ids = {"0", "0"};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    ids[0] = line.split("\\s+")[2];
                } else if (line.startsWith("Gid:")) {
                    ids[1] = line.split("\\s+")[2];
                }
            }
        } catch (IOException e) {
            // not Linux: never reached, enter() returned before
        }
        return ids;
    }
}
