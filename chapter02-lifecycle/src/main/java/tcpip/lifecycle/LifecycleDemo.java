package tcpip.lifecycle;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.SsInfo;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpState;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.net.Closeables;
import tcpip.net.LoopbackPair;

/**
 * The life of a connection up to the first byte, in one JVM on loopback. Each stage prints the
 * lines of the core file it is about to run ({@code code |}), runs them, and shows the kernel.
 */
public final class LifecycleDemo {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(LOOPBACK, 0);
    private static final Duration KERNEL_WAIT = Duration.ofSeconds(3);
    private static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CAPTURE_POLL = Duration.ofMillis(50);
    private static final int SMALL_BACKLOG = 2;
    private static final int SMALL_RCVBUF = 4 * 1024;
    private static final int TINY_RCVBUF = 1024;
    private static final int HUGE_RCVBUF = 64 << 20;
    private static final int HANDSHAKE_SEGMENTS = 3;
    private static final long MAX_IPV4_DATAGRAM = 65_535;
    private static final long IPV4_TCP_HEADERS = 40;
    /** The default port of this chapter's server and client mains. */
    private static final int CHAPTER_PORT = 7102;

    private LifecycleDemo() {
    }

    public static void main(String[] args) {
        Stages.main("LifecycleDemo", "Socket creation, connect and the three-way handshake, seen in the kernel.",
                stages(), args);
    }

    /** The stages in the article's order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("creation", "소켓 생성", "when the kernel hands out the descriptor", LifecycleDemo::creation),
                new Stage("connect", "소켓 연결 설정", "ephemeral port, connect time, the rows", LifecycleDemo::connect),
                new Stage("handshake-in-kernel", "Three way handshake", "ESTABLISHED before accept()",
                        LifecycleDemo::handshakeInKernel),
                new Stage("backlog-full-timeout", "Three way handshake", "backlog N completes N+1, then timeouts",
                        LifecycleDemo::backlogFull),
                new Stage("refused", "소켓 연결 설정", "nobody listening: RST at once", LifecycleDemo::refused),
                new Stage("options-before-handshake", "Three way handshake", "SO_RCVBUF and SO_REUSEADDR come first",
                        LifecycleDemo::optionsBeforeHandshake),
                new Stage("retry", "소켓 연결 설정", "retry with backoff until the server is up", LifecycleDemo::retry),
                new Stage("packets", "Three way handshake", "SYN, SYN+ACK, ACK on the wire", LifecycleDemo::packets));
    }

    static void creation(Narrator n) throws IOException {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            SocketCreationProbe.probe(n, LOOPBACK.getHostAddress(), server.getLocalPort());
        }
    }

    static void connect(Narrator n) throws Exception {
        n.code(HandshakeCore.class, "listen");
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            int port = server.getLocalPort();
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), KERNEL_WAIT)) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result("connect() returned after " + Narrator.human(took)
                        + " (the first connect in a JVM also loads the JDK's networking classes)");
                n.kernel("local port " + client.getLocalPort() + ": ephemeral, chosen by the kernel from"
                        + " net.ipv4.ip_local_port_range " + Sysctl.read("net.ipv4.ip_local_port_range").orElse("?"));
                if (n.available()) {
                    SocketRow ours = KernelAwait.await(client.getLocalPort(), port, TcpState.ESTABLISHED, KERNEL_WAIT);
                    n.row(ours);
                    n.row(KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT));
                    n.note(KernelRows.whereFrom(ours));
                    n.kernel("LISTEN row, accept queue = " + acceptQueue(port) + ": the finished connection waits there");
                }
                n.code(HandshakeCore.class, "accept");
                try (Socket accepted = HandshakeCore.accept(server)) {
                    if (n.available()) {
                        n.kernel("LISTEN row, accept queue = " + acceptQueue(port) + " after accept()");
                        n.descriptorOf(SocketTable.connection(port, client.getLocalPort()).orElseThrow());
                    }
                }
            }
        }
    }

    static void handshakeInKernel(Narrator n) throws Exception {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG);
                Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), KERNEL_WAIT)) {
            int port = server.getLocalPort();
            n.program("server listening, no accept() yet; client: connect() returned");
            if (n.available()) {
                SocketRow serverEnd = KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                n.kernel("read BEFORE accept(): " + serverEnd.describe());
                n.note(serverEnd.state() == TcpState.ESTABLISHED && serverEnd.inode() == 0
                        ? "the server's end is ESTABLISHED with inode 0: the kernel did SYN, SYN+ACK, ACK by itself;"
                                + " no descriptor belongs to it yet"
                        : "does NOT match: expected ESTABLISHED with inode 0 before accept()");
            }
            n.code(HandshakeCore.class, "accept");
            try (Socket accepted = HandshakeCore.accept(server)) {
                if (n.available()) {
                    SocketRow row = SocketTable.connection(port, client.getLocalPort()).orElseThrow();
                    n.kernel("after accept(): " + row.describe());
                    n.descriptorOf(row);
                }
                n.simplifies("the article's picture has the server program answer the SYN; in Linux the"
                        + " kernel answers it, and accept() only hands over a finished connection");
            }
        }
    }

    static void backlogFull(Narrator n) throws Exception {
        List<Socket> clients = new ArrayList<>();
        n.code(BacklogCore.class, "listen-no-accept");
        try (ServerSocket server = BacklogCore.listenWithoutAccepting(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            int port = server.getLocalPort();
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
            for (int i = 1; i <= SMALL_BACKLOG + 1; i++) {
                long start = System.nanoTime();
                Socket client = HandshakeCore.connect(address, KERNEL_WAIT);
                clients.add(client);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                if (n.available()) {
                    KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                }
                n.result("client " + i + ": connected in " + Narrator.human(took)
                        + (n.available() ? ", accept queue now " + acceptQueue(port) : ""));
            }
            n.code(BacklogCore.class, "connect-full-queue");
            long start = System.nanoTime();
            try (Socket extra = BacklogCore.connectToFullQueue(address, SHORT_CONNECT_TIMEOUT)) {
                n.result("client " + (SMALL_BACKLOG + 2) + " connected?! does NOT match: the queue was not full");
            } catch (SocketTimeoutException e) {
                n.result("client " + (SMALL_BACKLOG + 2) + ": " + Cli.describe(e) + " after "
                        + Narrator.human(Duration.ofNanos(System.nanoTime() - start)));
                SynRetrySchedule schedule = SynRetrySchedule.ofThisKernel();
                n.kernel("the queue was full, so the kernel dropped our SYN: no SYN+ACK, no RST, only silence; in "
                        + Narrator.human(SHORT_CONNECT_TIMEOUT) + " it sent " + schedule.synsWithin(SHORT_CONNECT_TIMEOUT)
                        + " SYN(s)");
                n.note("without a timeout, this kernel would send " + schedule.describe());
            }
            n.simplifies("backlog " + SMALL_BACKLOG + " let " + clients.size() + " connections complete: Linux"
                    + " treats the queue as full only when it holds more than backlog");
        } finally {
            clients.forEach(Closeables::closeQuietly);
        }
    }

    static void refused(Narrator n) throws Exception {
        n.code(CreationCore.class, "bind-only");
        try (Socket bound = new Socket()) {
            CreationCore.bindOnly(bound, ANY_LOOPBACK_PORT);
            int port = bound.getLocalPort();
            if (n.available()) {
                n.kernel("port " + port + " is bound; rows in /proc/net/tcp*: " + SocketTable.onPort(port).size());
            }
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), SHORT_CONNECT_TIMEOUT)) {
                n.result("connected?! does NOT match: something listens on " + port);
            } catch (ConnectException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result(Cli.describe(e) + " after " + Narrator.human(took) + ": "
                        + HandshakeClient.classify(e).name().toLowerCase(java.util.Locale.ROOT));
                n.kernel("no socket listens there, so the kernel answered our SYN with RST at once");
                n.note("a dropped SYN looks different: silence until the connect timeout (backlog-full-timeout"
                        + " stage). Refused: the machine is there, nobody listens. Timed out: the SYN got no answer.");
            }
        }
    }

    static void optionsBeforeHandshake(Narrator n) throws Exception {
        BufferFacts facts = BufferFacts.ofThisKernel();
        long minimum = BufferOptionsClient.kernelMinimum();
        long stored = facts.storedReceiveBuffer(SMALL_RCVBUF, minimum);
        for (int request : new int[] {TINY_RCVBUF, HUGE_RCVBUF}) {
            try (Socket unconnected = new Socket()) {
                unconnected.setReceiveBufferSize(request);
                long expected = facts.storedReceiveBuffer(request, minimum);
                long kernel = 2L * unconnected.getReceiveBufferSize(); // the JDK halves getsockopt's value
                n.kernel("asked " + request + ": getsockopt " + kernel + (kernel == expected ? " matches" : " does NOT match")
                        + " the expected " + expected + (expected == minimum ? " (raised to the kernel's minimum)"
                        : expected < 2L * request ? " (clamped: 2 x rmem_max " + facts.rmemMax() + ")" : "")
                        + "; Java's getter shows " + unconnected.getReceiveBufferSize());
            }
        }
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            n.code(OptionsCore.class, "rcvbuf-before-connect");
            try (Socket client = OptionsCore.connectWithBufferFirst(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.kernel("asked " + SMALL_RCVBUF + ": expected stored value " + stored + " (2 x min(request, rmem_max "
                        + facts.rmemMax() + "), at least " + minimum + "); Java's getter says "
                        + client.getReceiveBufferSize() + ", half of what getsockopt returns");
                SsInfo.of(client.getLocalPort(), address.getPort()).ifPresent(ss -> n.kernel("ss skmem rb="
                        + ss.number("skmem.rb") + (ss.number("skmem.rb") == stored ? " matches" : " does NOT match")
                        + " the expected " + stored));
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(),
                        BufferFacts.lockedWindowScale(stored));
            }
            n.code(OptionsCore.class, "rcvbuf-after-connect");
            try (Socket client = OptionsCore.connectWithBufferLater(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(), facts.autotunedWindowScale());
                n.note("scale " + facts.autotunedWindowScale() + " comes from max(tcp_rmem[2] " + facts.tcpRmemMax()
                        + ", rmem_max " + facts.rmemMax() + "), the largest buffer autotuning may reach; the window"
                        + " scale travels only in SYN and SYN+ACK, so the buffer set later cannot change it");
            }
        }
        reuseAddress(n);
    }

    private static void reuseAddress(Narrator n) throws Exception {
        int port;
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(KERNEL_WAIT)) {
            port = pair.serverPort();
            pair.server().close(); // the server closes first: TIME_WAIT will be on the server's port
            pair.client().getInputStream().read(); // -1: the server's FIN arrived; closing completes the close
        }
        if (n.available()) {
            n.row(KernelAwait.awaitRow(r -> r.localPort() == port && r.state() == TcpState.TIME_WAIT, KERNEL_WAIT,
                    "TIME_WAIT on " + port));
        }
        n.code(OptionsCore.class, "server-options");
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
        try (ServerSocket restarted = OptionsCore.listen(address, false, 0, SMALL_BACKLOG)) {
            n.result("bind without SO_REUSEADDR worked (no TIME_WAIT held the port)");
        } catch (BindException e) {
            n.result("restart on " + port + " with setReuseAddress(false): bind() says " + e.getMessage());
        }
        try (ServerSocket restarted = OptionsCore.listen(address, true, 0, SMALL_BACKLOG)) {
            n.result("restart on " + port + " with setReuseAddress(true) before bind(): listening again");
        }
    }

    static void retry(Narrator n) throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, reserved.port());
            CountDownLatch firstFailure = new CountDownLatch(1);
            n.code(RetryCore.class, "retry");
            n.program("client starts first, retrying 127.0.0.1:" + reserved.port());
            CompletableFuture<Socket> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return RetryCore.connect(address, Duration.ofSeconds(5), Duration.ofSeconds(1),
                            Duration.ofMillis(100), Duration.ofSeconds(1), (attempt, why, pause) -> {
                                n.result("attempt " + attempt + ": " + Cli.describe(why) + ", next in "
                                        + Narrator.human(pause));
                                firstFailure.countDown();
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            if (!firstFailure.await(KERNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the retrying client never reported a failure");
            }
            try (ServerSocket server = reserved.listen(SMALL_BACKLOG);
                    Socket socket = connected.get(KERNEL_WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.program("server started after the first refusal");
                n.result("client connected from local port " + socket.getLocalPort());
            }
        }
    }

    static void packets(Narrator n) throws Exception {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            int port = server.getLocalPort();
            n.code(HandshakeCore.class, "connect");
            try (PacketCapture capture = PacketCapture.start(port)) {
                if (!capture.running()) {
                    n.note(capture.unavailableReason());
                    n.note("this stage's port changes every run; to watch the chapter's programs on port "
                            + CHAPTER_PORT + " instead: " + PacketCapture.command(CHAPTER_PORT));
                    return;
                }
                // A first connection nobody looks at: returns once tcpdump really sees packets on lo.
                try (Socket warmUp = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), KERNEL_WAIT);
                        Socket accepted = HandshakeCore.accept(server)) {
                    capture.awaitSegments(1, KERNEL_WAIT);
                }
                try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), KERNEL_WAIT);
                        Socket accepted = HandshakeCore.accept(server)) {
                    explainHandshake(n, segmentsOf(capture, client.getLocalPort()), client.getLocalPort(), port);
                }
            }
        }
    }

    /** The captured segments of one client port, waiting (bounded) until its handshake is there. */
    private static List<Segment> segmentsOf(PacketCapture capture, int clientPort) {
        long deadline = System.nanoTime() + KERNEL_WAIT.toNanos();
        List<Segment> mine;
        do {
            mine = capture.segments().stream().filter(s -> s.srcPort() == clientPort || s.dstPort() == clientPort)
                    .toList();
            if (mine.size() >= HANDSHAKE_SEGMENTS) {
                break;
            }
            capture.awaitSegments(capture.segments().size() + 1, CAPTURE_POLL); // returns when tcpdump prints more
        } while (System.nanoTime() < deadline);
        return mine;
    }

    /** Prints the captured handshake and every relation computed from its numbers. */
    static void explainHandshake(Narrator n, List<Segment> seen, int clientPort, int serverPort) {
        n.segments(seen.subList(0, Math.min(seen.size(), HANDSHAKE_SEGMENTS)));
        BufferFacts facts = BufferFacts.ofThisKernel();
        List<HandshakeCheck.Finding> findings = HandshakeCheck.check(seen, clientPort, serverPort,
                facts.known() ? facts.autotunedWindowScale() : -1);
        findings.forEach(f -> n.note(f.text()));
        if (!findings.stream().allMatch(HandshakeCheck.Finding::holds)) {
            return;
        }
        Segment syn = seen.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElseThrow();
        Segment ack = seen.stream().filter(s -> s.srcPort() == clientPort && !s.syn() && s.hasAck()).findFirst()
                .orElseThrow();
        n.note("a SYN carries no data yet uses up one sequence number, hence the + 1; the ISNs are random"
                + " (run again: new numbers)");
        long mtu = loopbackMtu();
        long expectedMss = Math.min(mtu, MAX_IPV4_DATAGRAM) - IPV4_TCP_HEADERS;
        n.note("mss " + syn.mss() + " in the SYN" + (syn.mss() == expectedMss ? " = " : " does NOT match ")
                + "min(loopback MTU " + mtu + ", largest IPv4 datagram " + MAX_IPV4_DATAGRAM + ") - "
                + IPV4_TCP_HEADERS + " bytes of IP and TCP headers = " + expectedMss);
        n.note("win=" + ack.window() + " in the ACK is the raw 16-bit field; the client's SYN announced wscale "
                + syn.wscale() + ", so the window is " + ack.window() + " x 2^" + syn.wscale() + " = "
                + (ack.window() << syn.wscale()) + " bytes");
    }

    private static long loopbackMtu() {
        try {
            return Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/sys/class/net/lo/mtu")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return MAX_IPV4_DATAGRAM;
        }
    }

    private static long acceptQueue(int port) {
        return SocketTable.listener(port).map(SocketRow::rxQueue).orElse(-1L);
    }
}
