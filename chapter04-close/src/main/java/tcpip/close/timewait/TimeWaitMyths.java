package tcpip.close.timewait;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.close.Msg;
import tcpip.close.orderly.CloseStates;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.SocketRow;
import tcpip.kernel.TcpState;
import tcpip.narration.Narrator;
import tcpip.net.LoopbackPair;

/**
 * Three answers forum threads give for "Address already in use", checked live in a network
 * namespace this program makes with {@code unshare --net} (as root, or as a normal user inside the
 * private namespace {@code PrivateNetwork} makes; the namespace disappears with the process, on every exit path): tcp_fin_timeout does not shorten TIME_WAIT,
 * tcp_tw_recycle no longer exists, tcp_tw_reuse helps outgoing connections but not a server's bind().
 */
public final class TimeWaitMyths {

    private static final Path IPV4 = Path.of("/proc/sys/net/ipv4");
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String IN_NAMESPACE = "--in-namespace";
    /** The one ephemeral port left to connect() in the tcp_tw_reuse check. */
    private static final int ONLY_PORT = 40000;

    private final List<String> failed = new ArrayList<>();
    /** Labelled lines as every demo prints them (created after --lang chose the language and stdout). */
    private final Narrator out = Narrator.stdout();

    private TimeWaitMyths() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private namespace, where unshare --net works
        Lang.chooseFrom(args);
        Cli cli = new Cli("TimeWaitMyths", Msg.get("TimeWaitMyths.summary"));
        Cli.Option<Integer> fin = cli.intOption("--fin-timeout", 5, 1, 60, Msg.get("TimeWaitMyths.opt.finTimeout"));
        Cli.Option<Boolean> quick = cli.flag("--quick", Msg.get("TimeWaitMyths.opt.quick"));
        Cli.Option<Boolean> inside = cli.flag(IN_NAMESPACE, Msg.get("TimeWaitMyths.opt.inNamespace"));
        cli.example("TimeWaitMyths")
           .example("TimeWaitMyths --fin-timeout 3 --quick");
        cli.parse(args);
        cli.run(() -> {
            if (inside.get()) {
                TimeWaitMyths m = new TimeWaitMyths();
                m.run(fin.get(), !quick.get());
                if (!m.failed.isEmpty()) {
                    throw new IllegalStateException(Msg.get("TimeWaitMyths.failed", m.failed.size(), m.failed));
                }
                return;
            }
            String why = whyNot();
            if (why != null) {
                throw new IllegalStateException(why);
            }
            List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "--",
                    ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    TimeWaitMyths.class.getName(), IN_NAMESPACE, "--fin-timeout", String.valueOf(fin.get()),
                    "--lang", Lang.current() == Lang.KO ? "ko" : "en")); // the inner run speaks the same language
            if (quick.get()) {
                cmd.add("--quick");
            }
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(Msg.get("TimeWaitMyths.innerTimeout"));
            }
            if (p.exitValue() != 0) {
                Cli.exit(p.exitValue()); // the inner run already printed its one line
            }
        });
    }

    /** Why this machine cannot run the check, or null if it can. */
    public static String whyNot() throws IOException {
        // Root, or the private user + network namespace a normal user gets: either may make a namespace.
        PacketAccess access = PacketAccess.current();
        if (access.kind() != PacketAccess.Kind.ROOT
                && access.kind() != PacketAccess.Kind.PRIVATE_NAMESPACE) {
            return Msg.get("TimeWaitMyths.needsRoot", access.canCapture() ? access.kind().name() : access.reason());
        }
        for (String tool : List.of("unshare", "ip")) {
            if (List.of("/usr/bin", "/usr/sbin", "/bin", "/sbin").stream().noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                return Msg.get("TimeWaitMyths.needsTool", tool);
            }
        }
        return null;
    }

    private void run(int finTimeout, boolean waitForOrphan) throws Exception {
        exec("ip", "link", "set", "lo", "up"); // a new namespace's loopback starts down
        String reuse = sysctl("tcp_tw_reuse");
        out.kernel(Msg.get("TimeWaitMyths.kernel", Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0),
                sysctl("tcp_fin_timeout"), reuse));
        if (List.of("0", "1", "2").contains(reuse)) {
            out.kernel(Msg.get("TimeWaitMyths.reuseMeans." + reuse)); // the kernel's documented values
        }
        finTimeoutMyth(finTimeout, waitForOrphan);
        recycleMyth();
        reuseMyth();
    }

    /** Myth 1: "lower tcp_fin_timeout to shorten TIME_WAIT". */
    private void finTimeoutMyth(int finTimeout, boolean waitForOrphan) throws Exception {
        setSysctl("tcp_fin_timeout", String.valueOf(finTimeout));
        out.line(Msg.get("TimeWaitMyths.label.myth1"), Msg.get("TimeWaitMyths.myth1", sysctl("tcp_fin_timeout")));
        try (LoopbackPair orphan = LoopbackPair.open().readTimeout(WAIT);
                LoopbackPair closed = LoopbackPair.open().readTimeout(WAIT)) {
            orphan.client().close(); // its peer never closes: an orphan in FIN_WAIT2
            closed.client().close();
            closed.server().getInputStream().read(); // -1: the FIN
            closed.server().close(); // both closed: the client's side goes to TIME_WAIT
            SocketRow fw2 = KernelAwait.await(orphan.clientPort(), orphan.serverPort(), TcpState.FIN_WAIT2, WAIT);
            SocketRow tw = KernelAwait.await(closed.clientPort(), closed.serverPort(), TcpState.TIME_WAIT, WAIT);
            out.kernel(CloseStates.describe(fw2));
            out.kernel(CloseStates.describe(tw));
            double fw2Left = seconds(fw2.timerLeft());
            double twLeft = seconds(tw.timerLeft());
            check(fw2Left <= finTimeout, Msg.get("TimeWaitMyths.orphanTimer", String.format("%.2f", fw2Left),
                    finTimeout));
            check(twLeft > finTimeout, Msg.get("TimeWaitMyths.timeWaitTimer", String.format("%.2f", twLeft),
                    finTimeout));
            if (waitForOrphan) {
                long start = System.nanoTime();
                KernelAwait.awaitGone(orphan.clientPort(), orphan.serverPort(), Duration.ofSeconds(finTimeout + 5L));
                double gone = (System.nanoTime() - start) / 1e9;
                double left = seconds(KernelAwait.await(closed.clientPort(), closed.serverPort(), TcpState.TIME_WAIT,
                        WAIT).timerLeft());
                check(left > 0, Msg.get("TimeWaitMyths.orphanGone", String.format("%.1f", gone),
                        String.format("%.2f", left)));
            }
        }
    }

    /** Myth 2: "turn on tcp_tw_recycle". */
    private void recycleMyth() {
        out.line(Msg.get("TimeWaitMyths.label.myth2"), Msg.get("TimeWaitMyths.myth2"));
        Path recycle = IPV4.resolve("tcp_tw_recycle");
        check(!Files.exists(recycle), Msg.get(Files.exists(recycle) ? "TimeWaitMyths.recycleExists"
                : "TimeWaitMyths.recycleGone", recycle));
    }

    /** Myth 3: "tcp_tw_reuse lets the server restart" (it only helps outgoing connections). */
    private void reuseMyth() throws Exception {
        setSysctl("tcp_tw_reuse", "1");
        if (Files.exists(IPV4.resolve("tcp_tw_reuse_delay"))) {
            String delay = sysctl("tcp_tw_reuse_delay");
            setSysctl("tcp_tw_reuse_delay", "1"); // ms a TIME_WAIT must be old before reuse
            out.kernel(Msg.get("TimeWaitMyths.reuseDelay", delay, sysctl("tcp_tw_reuse_delay")));
        }
        out.line(Msg.get("TimeWaitMyths.label.myth3"), Msg.get("TimeWaitMyths.myth3", sysctl("tcp_tw_reuse")));
        InetAddress lo = InetAddress.getLoopbackAddress();
        int port;
        try (ServerSocket old = ReuseAddressCore.listen(lo, 0, false); Socket c = new Socket()) {
            port = old.getLocalPort();
            c.connect(old.getLocalSocketAddress(), 5_000);
            c.setSoTimeout(5_000);
            ReuseAddressCore.serveAndCloseFirst(old.accept()); // the server closes first: TIME_WAIT on its port
            c.getInputStream().readAllBytes();
            c.close();
            KernelAwait.await(port, c.getLocalPort(), TcpState.TIME_WAIT, WAIT);
        }
        try (ServerSocket again = ReuseAddressCore.listen(lo, port, false)) {
            check(false, Msg.get("TimeWaitMyths.bindSucceeded", port));
        } catch (IOException e) {
            check(true, Msg.get("TimeWaitMyths.bindFailed", port, Cli.describe(e)));
        }
        try (ServerSocket server = ReuseAddressCore.listen(lo, 0, true)) {
            setSysctl("ip_local_port_range", ONLY_PORT + " " + ONLY_PORT); // connect() may pick only this port
            try (Socket first = new Socket()) {
                first.connect(server.getLocalSocketAddress(), 5_000);
                Socket accepted = server.accept();
                first.close(); // the client closes first: ITS side ends in TIME_WAIT
                accepted.close();
                KernelAwait.await(first.getLocalPort(), server.getLocalPort(), TcpState.TIME_WAIT, WAIT);
                out.program(Msg.get("TimeWaitMyths.onlyPort", first.getLocalPort()));
            }
            for (String reuse : List.of("0", "1")) {
                setSysctl("tcp_tw_reuse", reuse);
                try (Socket next = new Socket()) {
                    next.connect(server.getLocalSocketAddress(), 5_000);
                    server.accept().close();
                    check(reuse.equals("1"), Msg.get("TimeWaitMyths.reuseConnected", reuse, next.getLocalPort()));
                } catch (IOException e) {
                    check(reuse.equals("0"), Msg.get("TimeWaitMyths.reuseFailed", reuse, Cli.describe(e)));
                }
            }
        }
    }

    private void check(boolean holds, String what) {
        out.result(holds ? what : Msg.get("TimeWaitMyths.doesNotMatch", what));
        if (!holds) {
            failed.add(what);
        }
    }


    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static String sysctl(String name) throws IOException {
        return String.join(" ", Files.readAllLines(IPV4.resolve(name))).strip(); // not readString: /proc reports size 0
    }

    private static void setSysctl(String name, String value) throws IOException {
        Files.writeString(IPV4.resolve(name), value); // only this namespace's copy: the host keeps its value
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(Msg.get("TimeWaitMyths.commandFailed", String.join(" ", cmd), out));
        }
    }
}
