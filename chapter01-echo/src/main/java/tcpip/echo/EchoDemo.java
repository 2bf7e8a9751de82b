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
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpState;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.net.Closeables;

/**
 * The article's whole cycle in one process: each stage prints the lines of {@link EchoCore} it is
 * about to run, runs exactly those, and shows what the kernel holds afterwards (descriptors,
 * /proc/net/tcp6 rows (JDK sockets are dual-stack: 127.0.0.1 appears there as ::ffff:127.0.0.1), timers); a last stage sets the blocking servers beside the Selector one.
 */
public final class EchoDemo {

    /** How long to wait for the kernel to show a state before giving up (it takes microseconds). */
    static final Duration WAIT = Duration.ofSeconds(5);
    static final String MESSAGE = "hello, kernel\n";
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Idle connections the blocking-versus-selector stage holds open against each server. */
    static final int IDLE_CONNECTIONS = 100;
    static final String FIN_TIMEOUT = "net.ipv4.tcp_fin_timeout";
    /** The row is read a moment after close(): its timer has run down by at most this much. */
    static final double FIN_TIMER_SLACK_SECONDS = 2.0;

    private EchoDemo() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("create", "소켓 생성", "socket(): a descriptor and an inode, no address yet",
                        EchoDemo::create),
                new Stage("connect", "소켓 연결 설정 / Three way handshake",
                        "connect(): a kernel-chosen port, ESTABLISHED on both ends", EchoDemo::connect),
                new Stage("send-receive", "데이터 송수신", "write() and read(): the bytes pass through both kernels",
                        EchoDemo::sendReceive),
                new Stage("close", "소켓 연결 종료 / Four way handshake",
                        "close(): FIN, read() returns -1, TIME_WAIT on the side that closed first", EchoDemo::close),
                new Stage("blocking", "데이터 송수신: blocking read()",
                        "a thread per waiting connection, or one thread and a Selector", EchoDemo::blocking));
    }

    public static void main(String[] args) {
        Stages.main("EchoDemo", "The whole TCP cycle of an echo client and server (the code is EchoCore), with the "
                + "kernel's view of each step.", stages(), args);
    }

    static void create(Narrator n) throws IOException {
        List<Descriptor> before = Descriptors.tcpSockets();
        n.program("new Socket()");
        try (Socket unused = new Socket()) {
            if (n.available()) {
                n.kernel(Descriptors.newTcpSockets(before).size() + " new descriptors: java.net makes the kernel socket"
                        + " lazily, at the first call that needs one (connect, bind, or setting an option)");
            }
        }
        n.program("SocketChannel.open()        // NIO makes the kernel socket at once: the socket() system call");
        try (SocketChannel client = SocketChannel.open()) {
            if (n.available()) {
                for (Descriptor d : Descriptors.newTcpSockets(before)) {
                    n.kernel(d + "  (the number tag the program holds from now on)");
                    boolean inTable = !SocketTable.read(r -> r.inode() == d.socketInode()).isEmpty();
                    n.kernel("inode " + d.socketInode() + (inTable ? " is in /proc/net/tcp*" : " has no row in"
                            + " /proc/net/tcp* yet: a socket gets one when it listens or connects"));
                }
            }
            n.note("the kernel made its control block for the socket; the program only gets a small number");
        }
        n.code(EchoCore.class, "listen");
        try (ServerSocket listener = EchoCore.listen(new InetSocketAddress(LOOPBACK, 0), EchoServer.BACKLOG)) {
            n.kernel("port 0 means 'any': the kernel chose port " + listener.getLocalPort());
            for (SocketRow row : n.rows(listener.getLocalPort())) {
                n.descriptorOf(row);
            }
            n.note("a server socket has an address and the state LISTEN, but no peer (remote address and port are"
                    + " all zeros)");
        }
    }

    static void connect(Narrator n) throws IOException, TimeoutException {
        try (ServerSocket listener = listen()) {
            int port = listener.getLocalPort();
            n.code(EchoCore.class, "connect");
            try (Socket client = EchoCore.connect(new InetSocketAddress(LOOPBACK, port), (int) WAIT.toMillis())) {
                int local = client.getLocalPort();
                n.kernel("connect() returned; the client's port " + local + " was chosen by the kernel"
                        + " (from net.ipv4.ip_local_port_range)");
                if (n.available()) {
                    n.row(KernelAwait.await(local, port, TcpState.ESTABLISHED, WAIT));
                    SocketRow serverEnd = KernelAwait.await(port, local, TcpState.ESTABLISHED, WAIT);
                    n.row(serverEnd);
                    SocketTable.listener(port).ifPresent(l -> n.kernel("LISTEN rx_queue=" + l.rxQueue()
                            + ": connections finished by the kernel, waiting for accept()"));
                    n.note("both ends are ESTABLISHED, yet the server program has not called accept():"
                            + " its end has inode " + serverEnd.inode() + ", no descriptor");
                }
                n.code(EchoCore.class, "accept");
                try (Socket accepted = EchoCore.accept(listener)) {
                    if (n.available()) {
                        SocketRow serverEnd = KernelAwait.awaitRow(r -> r.localPort() == port
                                && r.remotePort() == local && r.inode() != 0, WAIT, "the accepted end with a descriptor");
                        n.row(serverEnd);
                        n.descriptorOf(serverEnd);
                    }
                    n.note("accept() only took a finished connection off the queue and gave it a descriptor: "
                            + Endpoint.text(accepted.getRemoteSocketAddress()));
                    n.simplifies("the article pictures the handshake step by step; on Linux the kernels do all of"
                            + " it before accept() is even called");
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
            n.kernel("write() returned: the " + message.length + " bytes now belong to the kernel, not to the program");
            if (n.available()) {
                n.row(KernelAwait.awaitRow(r -> r.localPort() == port && r.remotePort() == local
                        && r.rxQueue() == message.length, WAIT, "the server's receive buffer holding the bytes"));
                n.note("the server has not read yet: its kernel holds the " + message.length
                        + " bytes (rx_queue) and has already acknowledged them");
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
            n.result("sent " + message.length + " bytes, received " + echo.length + " back: \""
                    + new String(echo, StandardCharsets.UTF_8).strip() + "\"");
            if (n.available()) {
                n.row(KernelAwait.awaitRow(r -> r.localPort() == port && r.remotePort() == local && r.rxQueue() == 0,
                        WAIT, "the server's receive buffer emptied by its read()"));
                n.kernel("rx_queue=0 on the server's end: its read() copied the bytes out, its write() sent them back");
            }
            EchoCore.close(client);
            serving.join(WAIT);
            n.simplifies("the article adds 1 to the received size for the ACK number; the ACK is SEQ + bytes"
                    + " received, the +1 is only for SYN and FIN (chapter03 shows it with tcpdump)");
        }
    }

    static void close(Narrator n) throws IOException, TimeoutException {
        try (ServerSocket listener = listen();
                Socket client = EchoCore.connect((InetSocketAddress) listener.getLocalSocketAddress(), (int) WAIT.toMillis());
                Socket server = EchoCore.accept(listener)) {
            server.setSoTimeout((int) WAIT.toMillis());
            int port = listener.getLocalPort();
            int local = client.getLocalPort();
            n.note("the client closes first: its kernel sends FIN");
            n.code(EchoCore.class, "close");
            EchoCore.close(client);
            if (n.available()) {
                SocketRow finWait = KernelAwait.await(local, port, TcpState.FIN_WAIT2, WAIT);
                n.row(finWait);
                n.row(KernelAwait.await(port, local, TcpState.CLOSE_WAIT, WAIT));
                n.note("FIN_WAIT2 means the server's kernel acknowledged the FIN; the client's end has inode 0:"
                        + " its program let go of it, the kernel finishes the goodbye alone");
                n.note(finWaitTimer(finWait.timerLeft()));
                n.note("rx_queue=1 on the CLOSE_WAIT end is the FIN itself: it takes one sequence number,"
                        + " and read() has not consumed it yet");
            }
            n.code(EchoCore.class, "echo");
            long echoed = EchoCore.serveOne(server);
            n.kernel("read() returned -1 at once: the client's FIN arrived, no more bytes will come (" + echoed
                    + " bytes echoed)");
            n.code(EchoCore.class, "close");
            EchoCore.close(server);
            if (n.available()) {
                SocketRow timeWait = KernelAwait.await(local, port, TcpState.TIME_WAIT, WAIT);
                n.row(timeWait);
                n.kernel(String.format("TIME_WAIT on the client, the side that closed first: %.1f s left",
                        timeWait.timerLeft().toMillis() / 1000.0));
                KernelAwait.awaitGone(port, local, WAIT);
                n.kernel("the server's end is gone: it closed second (LAST_ACK until the client's ACK arrived)");
                n.simplifies(String.format("the article's figure has the server close first and waits 240 s; whoever"
                        + " closes first gets TIME_WAIT, and this kernel's timer started at about %.0f s"
                        + " (240 s is 2 x MSL with RFC 793's 2-minute MSL)", timeWait.timerLeft().toMillis() / 1000.0));
            }
        }
    }

    /**
     * What "blocking" costs: the same idle connections held against a thread-per-client server,
     * a virtual-thread server and the Selector server, counting the platform threads each needs.
     */
    static void blocking(Narrator n) throws Exception {
        n.note("a blocking read() parks the calling thread in the kernel until bytes arrive: EchoCore's loop needs"
                + " a thread for every connection that is waiting");
        n.code(EchoCore.class, "echo");
        int platform = held(n, "EchoServer --mode thread-per-client", EchoServer.Mode.THREAD_PER_CLIENT);
        int virtual = held(n, "EchoServer --mode virtual", EchoServer.Mode.VIRTUAL);
        n.note("a Selector (epoll on Linux) reports which sockets are ready; reads and writes never wait, so ONE"
                + " thread serves them all, and a client that does not read only stops being read from");
        n.code(SelectorEchoCore.class, "echo");
        int selector = held(n, "SelectorEchoServer", null);
        long stackKib = threadStackKib();
        n.result(String.format("%d more idle connections: thread-per-client +%d platform threads (%s), virtual +%d,"
                + " selector +%d", IDLE_CONNECTIONS - 1, platform, stackKib > 0 ? "each reserving a " + stackKib
                + " KiB stack (ThreadStackSize) and a kernel task" : "each with its own stack and kernel task",
                virtual, selector));
        n.kernel(platform >= IDLE_CONNECTIONS - 1 && selector < (IDLE_CONNECTIONS - 1) / 10
                ? "matches: a platform thread per blocking connection, none per Selector connection"
                : "does NOT match a thread per blocking connection and none per Selector connection (another"
                        + " program's threads started or ended meanwhile?)");
        n.note("virtual threads keep the blocking code: the JDK parks the virtual thread and its poller does what"
                + " the Selector does here, on a few carrier threads");
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
            java.util.Set<Thread> before = Thread.getAllStackTraces().keySet(); // platform threads only
            for (int i = 1; i < IDLE_CONNECTIONS; i++) {
                EchoClient.roundTrip(keep(clients, EchoClient.connect(at, WAIT)), hello); // served, now idle in read()
            }
            int added = (int) Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).count();
            n.kernel(what + ": after the first echo, " + (IDLE_CONNECTIONS - 1) + " more connections echoed once and"
                    + " left idle added " + added + " platform threads");
            return added;
        } finally {
            clients.forEach(Closeables::closeQuietly);
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
            return Long.parseLong(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("ThreadStackSize").getValue());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Explains the FIN_WAIT2 row's timer by net.ipv4.tcp_fin_timeout, or says that it does not match. */
    static String finWaitTimer(Duration left) {
        double seconds = left.toMillis() / 1000.0;
        java.util.Optional<Long> sysctl = Sysctl.number(FIN_TIMEOUT);
        if (sysctl.isEmpty()) {
            return String.format("the FIN_WAIT2 row's timer (%.1f s left) is how long the kernel keeps an orphaned"
                    + " FIN_WAIT2 waiting for the peer's FIN (net.ipv4.tcp_fin_timeout; not readable here)", seconds);
        }
        long finTimeout = sysctl.get();
        // The kernel rounds the timer to its tick, so a fresh one may read a hundredth above the sysctl.
        boolean matches = seconds <= finTimeout + 0.5 && seconds > finTimeout - FIN_TIMER_SLACK_SECONDS;
        return String.format(matches
                ? "the FIN_WAIT2 row's timer (%.1f s left) is net.ipv4.tcp_fin_timeout = %d s: how long the kernel"
                        + " keeps an orphaned FIN_WAIT2 waiting for the peer's FIN"
                : "the FIN_WAIT2 row's timer (%.1f s left) does NOT match net.ipv4.tcp_fin_timeout = %d s read now"
                        + " (was the sysctl changed after the close?)", seconds, finTimeout);
    }

    private static ServerSocket listen() throws IOException {
        return EchoCore.listen(new InetSocketAddress(LOOPBACK, 0), EchoServer.BACKLOG);
    }
}
