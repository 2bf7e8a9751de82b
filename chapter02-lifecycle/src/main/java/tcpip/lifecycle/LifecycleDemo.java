package tcpip.lifecycle;

import static tcpip.lifecycle.LifecycleMessages.msg;

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
import tcpip.cli.Lang;
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
        tcpip.cli.PrivateNetwork.enter(args); // not root: continue in a private network namespace, with packets
        Lang.chooseFrom(args);
        Stages.main("LifecycleDemo", msg("LifecycleDemo.summary"), stages(), args);
    }

    /** The stages in the article's order; titles in the language chosen when this is called. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("creation", "소켓 생성", msg("LifecycleDemo.creation.title"), LifecycleDemo::creation),
                new Stage("connect", "소켓 연결 설정", msg("LifecycleDemo.connect.title"), LifecycleDemo::connect),
                new Stage("handshake-in-kernel", "Three way handshake", msg("LifecycleDemo.handshake.title"),
                        LifecycleDemo::handshakeInKernel),
                new Stage("backlog-full-timeout", "Three way handshake", msg("LifecycleDemo.backlog.title"),
                        LifecycleDemo::backlogFull),
                new Stage("refused", "소켓 연결 설정", msg("LifecycleDemo.refused.title"), LifecycleDemo::refused),
                new Stage("options-before-handshake", "Three way handshake", msg("LifecycleDemo.options.title"),
                        LifecycleDemo::optionsBeforeHandshake),
                new Stage("retry", "소켓 연결 설정", msg("LifecycleDemo.retry.title"), LifecycleDemo::retry),
                new Stage("packets", "Three way handshake", msg("LifecycleDemo.packets.title"), LifecycleDemo::packets));
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
                n.result(msg("LifecycleDemo.connect.returned", Narrator.human(took)));
                n.kernel(msg("LifecycleDemo.connect.ephemeral", client.getLocalPort(),
                        Sysctl.read("net.ipv4.ip_local_port_range").orElse("?")));
                if (n.available()) {
                    SocketRow ours = KernelAwait.await(client.getLocalPort(), port, TcpState.ESTABLISHED, KERNEL_WAIT);
                    n.row(ours);
                    n.row(KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT));
                    n.note(KernelRows.whereFrom(ours));
                    n.kernel(msg("LifecycleDemo.connect.queued", acceptQueue(port)));
                }
                n.code(HandshakeCore.class, "accept");
                try (Socket accepted = HandshakeCore.accept(server)) {
                    if (n.available()) {
                        n.kernel(msg("LifecycleDemo.connect.accepted", acceptQueue(port)));
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
            n.program(msg("LifecycleDemo.handshake.program"));
            if (n.available()) {
                SocketRow serverEnd = KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                n.kernel(msg("LifecycleDemo.handshake.before", serverEnd.describe()));
                n.note(serverEnd.state() == TcpState.ESTABLISHED && serverEnd.inode() == 0
                        ? msg("LifecycleDemo.handshake.matches") : msg("LifecycleDemo.handshake.differs"));
            }
            n.code(HandshakeCore.class, "accept");
            try (Socket accepted = HandshakeCore.accept(server)) {
                if (n.available()) {
                    SocketRow row = SocketTable.connection(port, client.getLocalPort()).orElseThrow();
                    n.kernel(msg("LifecycleDemo.handshake.after", row.describe()));
                    n.descriptorOf(row);
                }
                n.simplifies(msg("LifecycleDemo.handshake.simplifies"));
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
                n.result(n.available() ? msg("LifecycleDemo.backlog.connectedQueue", i, Narrator.human(took),
                        acceptQueue(port)) : msg("LifecycleDemo.backlog.connected", i, Narrator.human(took)));
            }
            n.code(BacklogCore.class, "connect-full-queue");
            long start = System.nanoTime();
            try (Socket extra = BacklogCore.connectToFullQueue(address, SHORT_CONNECT_TIMEOUT)) {
                n.result(msg("LifecycleDemo.backlog.notFull", SMALL_BACKLOG + 2));
            } catch (SocketTimeoutException e) {
                n.result(msg("LifecycleDemo.backlog.timedOut", SMALL_BACKLOG + 2, Cli.describe(e),
                        Narrator.human(Duration.ofNanos(System.nanoTime() - start))));
                SynRetrySchedule schedule = SynRetrySchedule.ofThisKernel();
                n.kernel(msg("LifecycleDemo.backlog.dropped", Narrator.human(SHORT_CONNECT_TIMEOUT),
                        schedule.synsWithin(SHORT_CONNECT_TIMEOUT)));
                n.note(msg("LifecycleDemo.backlog.schedule", schedule.describe()));
            }
            n.simplifies(msg("LifecycleDemo.backlog.simplifies", SMALL_BACKLOG, clients.size()));
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
                n.kernel(msg("LifecycleDemo.refused.bound", port, SocketTable.onPort(port).size()));
            }
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), SHORT_CONNECT_TIMEOUT)) {
                n.result(msg("LifecycleDemo.refused.connected", port));
            } catch (ConnectException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result(msg("LifecycleDemo.refused.result", Cli.describe(e), Narrator.human(took),
                        HandshakeClient.classify(e).name().toLowerCase(java.util.Locale.ROOT)));
                n.kernel(msg("LifecycleDemo.refused.rst"));
                n.note(msg("LifecycleDemo.refused.note"));
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
                boolean raised = expected == minimum;
                boolean clamped = !raised && expected < 2L * request;
                String key = kernel == expected
                        ? raised ? "LifecycleDemo.options.asked.matches.minimum"
                                : clamped ? "LifecycleDemo.options.asked.matches.clamped" : "LifecycleDemo.options.asked.matches"
                        : raised ? "LifecycleDemo.options.asked.differs.minimum"
                                : clamped ? "LifecycleDemo.options.asked.differs.clamped" : "LifecycleDemo.options.asked.differs";
                n.kernel(msg(key, request, kernel, expected, facts.rmemMax(), unconnected.getReceiveBufferSize()));
            }
        }
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, SMALL_BACKLOG)) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            n.code(OptionsCore.class, "rcvbuf-before-connect");
            try (Socket client = OptionsCore.connectWithBufferFirst(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.kernel(msg("LifecycleDemo.options.stored", SMALL_RCVBUF, stored, facts.rmemMax(), minimum,
                        client.getReceiveBufferSize()));
                SsInfo.of(client.getLocalPort(), address.getPort()).ifPresent(ss -> n.kernel(msg(
                        ss.number("skmem.rb") == stored ? "LifecycleDemo.options.ss.matches"
                                : "LifecycleDemo.options.ss.differs", ss.number("skmem.rb"), stored)));
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(),
                        BufferFacts.lockedWindowScale(stored));
            }
            n.code(OptionsCore.class, "rcvbuf-after-connect");
            try (Socket client = OptionsCore.connectWithBufferLater(address, SMALL_RCVBUF);
                    Socket accepted = HandshakeCore.accept(server)) {
                BufferOptionsClient.showScale(n, client.getLocalPort(), address.getPort(), facts.autotunedWindowScale());
                n.note(msg("LifecycleDemo.options.scale", facts.autotunedWindowScale(), facts.tcpRmemMax(),
                        facts.rmemMax()));
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
            n.result(msg("LifecycleDemo.reuse.noTimeWait"));
        } catch (BindException e) {
            n.result(msg("LifecycleDemo.reuse.refused", port, e.getMessage()));
        }
        try (ServerSocket restarted = OptionsCore.listen(address, true, 0, SMALL_BACKLOG)) {
            n.result(msg("LifecycleDemo.reuse.listening", port));
        }
    }

    static void retry(Narrator n) throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, reserved.port());
            CountDownLatch firstFailure = new CountDownLatch(1);
            n.code(RetryCore.class, "retry");
            n.program(msg("LifecycleDemo.retry.program", reserved.port()));
            CompletableFuture<Socket> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return RetryCore.connect(address, Duration.ofSeconds(5), Duration.ofSeconds(1),
                            Duration.ofMillis(100), Duration.ofSeconds(1), (attempt, why, pause) -> {
                                n.result(msg("LifecycleDemo.retry.attempt", attempt, Cli.describe(why),
                                        Narrator.human(pause)));
                                firstFailure.countDown();
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            if (!firstFailure.await(KERNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(msg("LifecycleDemo.retry.noFailure"));
            }
            try (ServerSocket server = reserved.listen(SMALL_BACKLOG);
                    Socket socket = connected.get(KERNEL_WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                    Socket accepted = HandshakeCore.accept(server)) {
                n.program(msg("LifecycleDemo.retry.serverUp"));
                n.result(msg("LifecycleDemo.retry.connected", socket.getLocalPort()));
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
                    n.note(msg("LifecycleDemo.packets.otherPort", CHAPTER_PORT, PacketCapture.command(CHAPTER_PORT)));
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
        n.note(msg("LifecycleDemo.packets.isn"));
        long mtu = loopbackMtu();
        long expectedMss = Math.min(mtu, MAX_IPV4_DATAGRAM) - IPV4_TCP_HEADERS;
        n.note(msg(syn.mss() == expectedMss ? "LifecycleDemo.packets.mss.matches" : "LifecycleDemo.packets.mss.differs",
                syn.mss(), mtu, MAX_IPV4_DATAGRAM, IPV4_TCP_HEADERS, expectedMss));
        n.note(msg("LifecycleDemo.packets.window", ack.window(), syn.wscale(), ack.window() << syn.wscale()));
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
