package tcpip.lifecycle.handshake;

import static tcpip.lifecycle.StageSupport.ANY_LOOPBACK_PORT;
import static tcpip.lifecycle.StageSupport.KERNEL_WAIT;
import static tcpip.lifecycle.StageSupport.LOOPBACK;
import static tcpip.lifecycle.StageSupport.acceptQueue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.KernelRows;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.StageSupport;
import tcpip.lifecycle.options.BufferFacts;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.AcceptLoop;

/** 소켓 연결 설정 and Three way handshake: the ephemeral port, the rows before accept(), the SYNs on the wire. */
public final class HandshakeStages {

    private static final Duration CAPTURE_POLL = Duration.ofMillis(50);
    private static final int HANDSHAKE_SEGMENTS = 3;
    private static final long MAX_IPV4_DATAGRAM = 65_535;
    private static final long IPV4_TCP_HEADERS = 40;
    private static final Path LOOPBACK_MTU = Path.of("/sys/class/net/lo/mtu");

    private HandshakeStages() {
    }

    /** The stage {@code connect}. */
    public static Stage connect() {
        return new Stage("connect", ArticleSection.SOCKET_CONNECT, Msg.get("LifecycleDemo.connect.title"), HandshakeStages::connect);
    }

    /** The stage {@code handshake-in-kernel}. */
    public static Stage handshakeInKernel() {
        return new Stage("handshake-in-kernel", ArticleSection.THREE_WAY_HANDSHAKE, Msg.get("LifecycleDemo.handshake.title"),
                HandshakeStages::handshakeInKernel);
    }

    /** The stage {@code packets}. */
    public static Stage packets() {
        return new Stage("packets", ArticleSection.THREE_WAY_HANDSHAKE, Msg.get("LifecycleDemo.packets.title"), HandshakeStages::packets);
    }

    static void connect(Narrator n) throws Exception {
        n.code(HandshakeCore.class, "listen");
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, AcceptLoop.DEFAULT_BACKLOG)) {
            int port = server.getLocalPort();
            n.code(HandshakeCore.class, "connect");
            long start = System.nanoTime();
            try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), KERNEL_WAIT)) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result(Msg.get("LifecycleDemo.connect.returned", Narrator.human(took)));
                n.kernel(Msg.get("LifecycleDemo.connect.ephemeral", client.getLocalPort(),
                        Sysctl.read("net.ipv4.ip_local_port_range").orElse("?")));
                if (n.available()) {
                    SocketRow ours = KernelAwait.await(client.getLocalPort(), port, TcpState.ESTABLISHED, KERNEL_WAIT);
                    n.row(ours);
                    n.row(KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT));
                    n.note(KernelRows.whereFrom(ours));
                    n.kernel(Msg.get("LifecycleDemo.connect.queued", acceptQueue(port)));
                }
                n.code(HandshakeCore.class, "accept");
                try (Socket accepted = HandshakeCore.accept(server)) {
                    if (n.available()) {
                        n.kernel(Msg.get("LifecycleDemo.connect.accepted", acceptQueue(port)));
                        n.descriptorOf(SocketTable.connection(port, client.getLocalPort()).orElseThrow());
                    }
                }
            }
        }
    }

    static void handshakeInKernel(Narrator n) throws Exception {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, AcceptLoop.DEFAULT_BACKLOG);
                Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), KERNEL_WAIT)) {
            int port = server.getLocalPort();
            n.program(Msg.get("LifecycleDemo.handshake.program"));
            if (n.available()) {
                SocketRow serverEnd = KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                n.kernel(Msg.get("LifecycleDemo.handshake.before", serverEnd.describe()));
                n.note(serverEnd.state() == TcpState.ESTABLISHED && serverEnd.inode() == 0
                        ? Msg.get("LifecycleDemo.handshake.matches") : Msg.get("LifecycleDemo.handshake.differs"));
            }
            n.code(HandshakeCore.class, "accept");
            try (Socket accepted = HandshakeCore.accept(server)) {
                if (n.available()) {
                    SocketRow row = SocketTable.connection(port, client.getLocalPort()).orElseThrow();
                    n.kernel(Msg.get("LifecycleDemo.handshake.after", row.describe()));
                    n.descriptorOf(row);
                }
                n.simplifies(Msg.get("LifecycleDemo.handshake.simplifies"));
            }
        }
    }

    static void packets(Narrator n) throws Exception {
        try (ServerSocket server = HandshakeCore.listen(ANY_LOOPBACK_PORT, AcceptLoop.DEFAULT_BACKLOG)) {
            int port = server.getLocalPort();
            n.code(HandshakeCore.class, "connect");
            try (PacketCapture capture = PacketCapture.start(port)) {
                if (!capture.running()) {
                    n.note(capture.unavailableReason());
                    n.note(Msg.get("LifecycleDemo.packets.otherPort", StageSupport.CHAPTER_PORT,
                            PacketCapture.command(StageSupport.CHAPTER_PORT)));
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
        // The client connected from LOOPBACK: its end is known, so the ladder never guesses which side it is.
        n.segments(seen.subList(0, Math.min(seen.size(), HANDSHAKE_SEGMENTS)), new InetSocketAddress(LOOPBACK, clientPort));
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
        n.note(Msg.get("LifecycleDemo.packets.isn"));
        long mtu = loopbackMtu();
        long expectedMss = Math.min(mtu, MAX_IPV4_DATAGRAM) - IPV4_TCP_HEADERS;
        n.note(Msg.get(syn.mss() == expectedMss ? "LifecycleDemo.packets.mss.matches" : "LifecycleDemo.packets.mss.differs",
                syn.mss(), mtu, MAX_IPV4_DATAGRAM, IPV4_TCP_HEADERS, expectedMss));
        n.note(Msg.get("LifecycleDemo.packets.window", ack.window(), syn.wscale(), ack.window() << syn.wscale()));
    }

    private static long loopbackMtu() {
        try {
            return Long.parseLong(Files.readAllLines(LOOPBACK_MTU).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return MAX_IPV4_DATAGRAM;
        }
    }
}
