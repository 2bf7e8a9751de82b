package tcpip.echo;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import java.util.Set;
import com.sun.management.HotSpotDiagnosticMXBean;
import tcpip.cli.Lang;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoCore;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.selector.SelectorEchoCore;
import tcpip.echo.selector.SelectorEchoServer;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.Endpoint;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpState;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;

/**
 * The article's whole cycle in one process: each stage prints the lines of {@link EchoCore} it is
 * about to run, runs exactly those, and shows what the kernel holds afterwards (descriptors,
 * /proc/net/tcp6 rows (JDK sockets are dual-stack: 127.0.0.1 appears there as ::ffff:127.0.0.1), timers); a last stage sets the blocking servers beside the Selector one.
 */
public final class EchoDemo {

    /** How long to wait for the kernel to show a state before giving up (it takes microseconds). */
    public static final Duration WAIT = Duration.ofSeconds(5);
    static final String MESSAGE = "hello, kernel\n";
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Idle connections the blocking-versus-selector stage holds open against each server. */
    static final int IDLE_CONNECTIONS = 100;
    public static final String FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";
    /** The row is read a moment after close(): its timer has run down by at most this much. */
    static final double FIN_TIMER_SLACK_SECONDS = 2.0;

    private EchoDemo() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("create", ArticleSection.SOCKET_CREATION, Msg.get("EchoDemo.create.title"),
                        EchoDemo::create),
                new Stage("connect", ArticleSection.SOCKET_CONNECT, ArticleSection.THREE_WAY_HANDSHAKE,
                        Msg.get("EchoDemo.connect.title"), EchoDemo::connect),
                new Stage("send-receive", ArticleSection.DATA_TRANSFER, Msg.get("EchoDemo.sendReceive.title"),
                        EchoDemo::sendReceive),
                new Stage("close", ArticleSection.SOCKET_CLOSE, ArticleSection.FOUR_WAY_HANDSHAKE,
                        Msg.get("EchoDemo.close.title"), EchoDemo::close),
                new Stage("blocking", ArticleSection.DATA_TRANSFER, Msg.get("EchoDemo.blocking.title"),
                        EchoDemo::blocking));
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the summary and the stage titles are looked up
        Stages.main("EchoDemo", Msg.get("EchoDemo.summary"), stages(), args);
    }

    static void create(Narrator n) throws IOException {
        List<Descriptor> before = Descriptors.tcpSockets();
        n.program("new Socket()");
        try (Socket unused = new Socket()) {
            if (n.available()) {
                n.kernel(Msg.get("EchoDemo.create.lazy", String.valueOf(Descriptors.newTcpSockets(before).size())));
            }
        }
        n.program(Msg.get("EchoDemo.create.open", "SocketChannel.open()"));
        try (SocketChannel client = SocketChannel.open()) {
            if (n.available()) {
                for (Descriptor d : Descriptors.newTcpSockets(before)) {
                    n.kernel(Msg.get("EchoDemo.create.descriptor", d.toString()));
                    boolean inTable = !SocketTable.read(r -> r.inode() == d.socketInode()).isEmpty();
                    n.kernel(Msg.get(inTable ? "EchoDemo.create.inTable" : "EchoDemo.create.noRow",
                            String.valueOf(d.socketInode())));
                }
            }
            n.note(Msg.get("EchoDemo.create.controlBlock"));
        }
        n.code(EchoCore.class, "listen");
        try (ServerSocket listener = listen()) {
            n.kernel(Msg.get("EchoDemo.create.port", String.valueOf(listener.getLocalPort())));
            n.listener(listener.getLocalPort()).ifPresent(n::descriptorOf);
            n.note(Msg.get("EchoDemo.create.listener"));
        }
    }

    static void connect(Narrator n) throws IOException, TimeoutException {
        try (ServerSocket listener = listen()) {
            int port = listener.getLocalPort();
            n.code(EchoCore.class, "connect");
            try (Socket client = EchoCore.connect(new InetSocketAddress(LOOPBACK, port), (int) WAIT.toMillis())) {
                int local = client.getLocalPort();
                n.kernel(Msg.get("EchoDemo.connect.returned", String.valueOf(local)));
                if (n.available()) {
                    n.row(KernelAwait.await(local, port, TcpState.ESTABLISHED, WAIT));
                    SocketRow serverEnd = KernelAwait.await(port, local, TcpState.ESTABLISHED, WAIT);
                    n.row(serverEnd);
                    SocketTable.listener(port).ifPresent(l -> n.kernel(Msg.get("EchoDemo.connect.backlog",
                            String.valueOf(l.rxQueue()))));
                    n.note(Msg.get("EchoDemo.connect.notAccepted", String.valueOf(serverEnd.inode())));
                }
                n.code(EchoCore.class, "accept");
                try (Socket accepted = EchoCore.accept(listener)) {
                    if (n.available()) {
                        SocketRow serverEnd = KernelAwait.awaitRow(port,
                                r -> r.remotePort() == local && r.inode() != 0, WAIT,
                                Msg.get("EchoDemo.connect.awaitAccepted"));
                        n.row(serverEnd);
                        n.descriptorOf(serverEnd);
                    }
                    n.note(Msg.get("EchoDemo.connect.accepted", Endpoint.text(accepted.getRemoteSocketAddress())));
                    n.simplifies(Msg.get("EchoDemo.connect.simplifies"));
                }
            }
        }
    }

    static void sendReceive(Narrator n) throws Exception {
        try (ServerSocket listener = listen();
                Socket client = EchoCore.connect((InetSocketAddress) listener.getLocalSocketAddress(), (int) WAIT.toMillis());
                Socket server = EchoCore.accept(listener)) {
            client.setSoTimeout((int) WAIT.toMillis());
            int port = listener.getLocalPort();
            int local = client.getLocalPort();
            byte[] message = MESSAGE.getBytes(StandardCharsets.UTF_8);
            n.code(EchoCore.class, "send");
            EchoCore.send(client, message);
            n.kernel(Msg.get("EchoDemo.send.written", String.valueOf(message.length)));
            if (n.available()) {
                n.row(KernelAwait.awaitRow(port, r -> r.remotePort() == local
                        && r.rxQueue() == message.length, WAIT, Msg.get("EchoDemo.send.awaitHeld")));
                n.note(Msg.get("EchoDemo.send.held", String.valueOf(message.length)));
            }
            n.code(EchoCore.class, "echo");
            Thread serving = Thread.ofVirtual().start(() -> {
                try {
                    EchoCore.serveOne(server);
                } catch (IOException e) {
                    // the demo's client closes normally; a failure shows up as a missing echo below
                }
            });
            n.code(EchoCore.class, "receive");
            byte[] echo = new byte[message.length];
            EchoCore.receive(client, echo);
            n.result(Msg.get("EchoDemo.send.result", String.valueOf(message.length), String.valueOf(echo.length),
                    new String(echo, StandardCharsets.UTF_8).strip()));
            if (n.available()) {
                n.row(KernelAwait.awaitRow(port, r -> r.remotePort() == local && r.rxQueue() == 0,
                        WAIT, Msg.get("EchoDemo.send.awaitEmptied")));
                n.kernel(Msg.get("EchoDemo.send.emptied"));
            }
            EchoCore.close(client);
            serving.join(WAIT);
            n.simplifies(Msg.get("EchoDemo.send.simplifies"));
        }
    }

    static void close(Narrator n) throws IOException, TimeoutException {
        try (ServerSocket listener = listen();
                Socket client = EchoCore.connect((InetSocketAddress) listener.getLocalSocketAddress(), (int) WAIT.toMillis());
                Socket server = EchoCore.accept(listener)) {
            server.setSoTimeout((int) WAIT.toMillis());
            int port = listener.getLocalPort();
            int local = client.getLocalPort();
            n.note(Msg.get("EchoDemo.close.first"));
            n.code(EchoCore.class, "close");
            EchoCore.close(client);
            if (n.available()) {
                SocketRow finWait = KernelAwait.await(local, port, TcpState.FIN_WAIT2, WAIT);
                n.row(finWait);
                n.row(KernelAwait.await(port, local, TcpState.CLOSE_WAIT, WAIT));
                n.note(Msg.get("EchoDemo.close.finWait2"));
                n.note(finWaitTimer(finWait.timerLeft()));
                n.note(Msg.get("EchoDemo.close.finSeq"));
            }
            n.code(EchoCore.class, "echo");
            long echoed = EchoCore.serveOne(server);
            n.kernel(Msg.get("EchoDemo.close.eof", String.valueOf(echoed)));
            n.code(EchoCore.class, "close");
            EchoCore.close(server);
            if (n.available()) {
                SocketRow timeWait = KernelAwait.await(local, port, TcpState.TIME_WAIT, WAIT);
                n.row(timeWait);
                double timeWaitSeconds = timeWait.timerLeft().toMillis() / 1000.0;
                n.kernel(Msg.get("EchoDemo.close.timeWait", String.format("%.1f", timeWaitSeconds)));
                KernelAwait.awaitGone(port, local, WAIT);
                n.kernel(Msg.get("EchoDemo.close.serverGone"));
                n.simplifies(Msg.get("EchoDemo.close.simplifies", String.format("%.0f", timeWaitSeconds)));
            }
        }
    }

    /**
     * What "blocking" costs: the same idle connections held against a thread-per-client server,
     * a virtual-thread server and the Selector server, counting the platform threads each needs.
     */
    static void blocking(Narrator n) throws Exception {
        n.note(Msg.get("EchoDemo.blocking.parks"));
        n.code(EchoCore.class, "echo");
        int platform = held(n, "EchoServer --mode thread-per-client", EchoServer.Mode.THREAD_PER_CLIENT);
        int virtual = held(n, "EchoServer --mode virtual", EchoServer.Mode.VIRTUAL);
        n.note(Msg.get("EchoDemo.blocking.selector"));
        n.code(SelectorEchoCore.class, "echo");
        int selector = held(n, "SelectorEchoServer", null);
        long stackKib = threadStackKib();
        String idle = String.valueOf(IDLE_CONNECTIONS - 1);
        n.result(stackKib > 0
                ? Msg.get("EchoDemo.blocking.result", idle, String.valueOf(platform), String.valueOf(stackKib),
                        String.valueOf(virtual), String.valueOf(selector))
                : Msg.get("EchoDemo.blocking.result.noStack", idle, String.valueOf(platform), String.valueOf(virtual),
                        String.valueOf(selector)));
        n.kernel(Msg.get(platform >= IDLE_CONNECTIONS - 1 && selector < (IDLE_CONNECTIONS - 1) / 10
                ? "EchoDemo.blocking.matches" : "EchoDemo.blocking.differs"));
        n.note(Msg.get("EchoDemo.blocking.virtual"));
    }

    /** Serves {@link #IDLE_CONNECTIONS} idle connections with one server and returns the platform threads it added. */
    private static int held(Narrator n, String what, EchoServer.Mode mode) throws Exception {
        EchoLimits limits = EchoLimits.defaults().withMaxConnections(IDLE_CONNECTIONS);
        AutoCloseable server;
        InetSocketAddress at;
        Thread serving;
        if (mode != null) {
            EchoServer s = EchoServer.bind(LOOPBACK, 0, mode, limits, null);
            serving = Thread.ofPlatform().name("demo-accept").start(s::serve);
            server = s;
            at = s.address();
        } else {
            SelectorEchoServer s = SelectorEchoServer.bind(LOOPBACK, 0, limits, null);
            serving = Thread.ofPlatform().name("demo-selector").start(() -> {
                try {
                    s.serve();
                } catch (IOException e) {
                    // shows up as failed round trips below
                }
            });
            server = s;
            at = s.address();
        }
        List<Socket> clients = new ArrayList<>();
        try {
            byte[] hello = MESSAGE.getBytes(StandardCharsets.UTF_8);
            EchoClient.roundTrip(keep(clients, EchoClient.connect(at, WAIT)), hello); // warms up, starts the carriers
            // Threads that start, not a count: the previous server's threads may still be ending now.
            Set<Thread> before = Thread.getAllStackTraces().keySet(); // platform threads only
            for (int i = 1; i < IDLE_CONNECTIONS; i++) {
                EchoClient.roundTrip(keep(clients, EchoClient.connect(at, WAIT)), hello); // served, now idle in read()
            }
            int added = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).count();
            n.kernel(Msg.get("EchoDemo.blocking.held", what, String.valueOf(IDLE_CONNECTIONS - 1), String.valueOf(added)));
            return added;
        } finally {
            // RST, not FIN: the demo's own idle clients would leave 100 TIME_WAIT rows each time for a minute
            clients.forEach(Closeables::abortQuietly);
            server.close();
            serving.join(WAIT);
        }
    }

    private static Socket keep(List<Socket> clients, Socket s) {
        clients.add(s);
        return s;
    }

    /** The JVM's default thread stack size in KiB (the ThreadStackSize flag), or 0 if it cannot be read. */
    private static long threadStackKib() {
        try {
            return Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("ThreadStackSize").getValue());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Explains the FIN_WAIT2 row's timer by net.ipv4.tcp_fin_timeout, or says that it does not match. */
    public static String finWaitTimer(Duration left) {
        double seconds = left.toMillis() / 1000.0;
        Optional<Long> sysctl = Sysctl.number(FIN_TIMEOUT);
        String secondsLeft = String.format("%.1f", seconds);
        if (sysctl.isEmpty()) {
            return Msg.get("EchoDemo.close.finTimer.unknown", secondsLeft);
        }
        long finTimeout = sysctl.get();
        // The kernel rounds the timer to its tick, so a fresh one may read a hundredth above the sysctl.
        boolean matches = seconds <= finTimeout + 0.5 && seconds > finTimeout - FIN_TIMER_SLACK_SECONDS;
        return Msg.get(matches ? "EchoDemo.close.finTimer.matches" : "EchoDemo.close.finTimer.differs", secondsLeft,
                String.valueOf(finTimeout));
    }

    /** A new ServerSocket, bound and listening through the core on a port the kernel picks. */
    private static ServerSocket listen() throws IOException {
        ServerSocket listener = new ServerSocket(); // no kernel socket yet
        try {
            EchoCore.listen(listener, new InetSocketAddress(LOOPBACK, 0), AcceptLoop.DEFAULT_BACKLOG);
            return listener;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }
}
