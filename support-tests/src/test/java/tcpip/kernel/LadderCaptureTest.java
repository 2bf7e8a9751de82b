package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ladders drawn from REAL captures on loopback (tcpdump; we run as root on CI): the handshake
 * and the four-way close, and the .pcap files tcpdump wrote alongside, read back with tcpdump -r.
 * (Plain sockets, not tcpip.net.LoopbackPair: socket-support depends on this module, and the
 * capture must know the port before connect() to see the SYN.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LadderCaptureTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int READ_DEADLINE_MS = 5000;

    @TempDir
    Path dir;

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    private static PacketCapture capture(int port, Path pcap) {
        assumeTrue(PacketCapture.installed(), "tcpdump is not installed");
        PacketCapture c = PacketCapture.start(port, pcap);
        assumeTrue(c.running(), c.unavailableReason());
        return c;
    }

    @Test
    void handshakeLadderHasThreeArrowsAndAckIsIsnPlusOne() throws Exception {
        Path pcap = dir.resolve("handshake.pcap");
        List<Segment> segments;
        try (ServerSocket listener = listen(); PacketCapture capture = capture(listener.getLocalPort(), pcap);
                Socket client = new Socket()) {
            client.connect(listener.getLocalSocketAddress()); // the kernel sends SYN, returns on SYN+ACK
            try (Socket server = listener.accept()) {
                capture.awaitSegments(3, WAIT);
                segments = capture.stop(); // before any close: the handshake only
            }
        }
        Ladder ladder = Ladder.of(segments);
        List<Ladder.Arrow> arrows = ladder.arrows();
        assertThat(arrows).extracting(Ladder.Arrow::flags).containsExactly("SYN", "SYN+ACK", "ACK");
        assertThat(arrows).extracting(Ladder.Arrow::from)
                .containsExactly(Ladder.Side.CLIENT, Ladder.Side.SERVER, Ladder.Side.CLIENT);
        Segment syn = arrows.get(0).segment();
        Segment synAck = arrows.get(1).segment();
        assertThat(synAck.ack()).isEqualTo(syn.seq() + 1);                  // ACK = client ISN + 1
        assertThat(arrows.get(2).segment().ack()).isEqualTo(synAck.seq() + 1); // ACK = server ISN + 1
        assertThat(arrows.get(1).relativeAck()).isEqualTo(1);
        assertThat(arrows.get(2).relativeAck()).isEqualTo(1);
        assertThat(ladder.path(Ladder.Side.CLIENT)).containsExactly(TcpState.CLOSE, TcpState.SYN_SENT,
                TcpState.ESTABLISHED);
        assertThat(ladder.path(Ladder.Side.SERVER)).containsExactly(TcpState.LISTEN, TcpState.SYN_RECV,
                TcpState.ESTABLISHED);
        List<String> text = ladder.text(false);
        assertThat(String.join("\n", text)).contains("SYN seq=0 len=0", "SYN+ACK seq=0 ack=1 len=0", "ACK ack=1 len=0");
        assertThat(text.stream().filter(l -> l.contains("->|") || l.contains("|<-")).count()).isEqualTo(3);
        assertThat(packetsIn(pcap)).isEqualTo(arrows.size());
    }

    @Test
    void closeLadderShowsFinAndAckBothWaysAndTimeWaitOnTheActiveCloser() throws Exception {
        Path pcap = dir.resolve("close.pcap");
        List<Segment> segments;
        int clientPort;
        int serverPort;
        try (ServerSocket listener = listen(); PacketCapture capture = capture(listener.getLocalPort(), pcap)) {
            serverPort = listener.getLocalPort();
            Socket client = new Socket();
            client.connect(listener.getLocalSocketAddress());
            clientPort = client.getLocalPort();
            try (Socket server = listener.accept()) {
                server.setSoTimeout(READ_DEADLINE_MS);
                client.close(); // the client closes first: its kernel sends FIN
                assertThat(server.getInputStream().read()).isEqualTo(-1); // the FIN arrived
            } // the server closes: its FIN, then the client's last ACK
            KernelAwait.await(clientPort, serverPort, TcpState.TIME_WAIT, WAIT);
            // 6 or 7 segments: the ACK of the client's FIN may ride on the server's FIN. Wait for the last ACK.
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!lastAckSeen(capture.segments(), clientPort) && System.nanoTime() < deadline) {
                capture.awaitSegments(capture.segments().size() + 1, Duration.ofMillis(50));
            }
            segments = capture.stop();
        }
        Ladder ladder = Ladder.of(segments);
        List<Ladder.Arrow> fins = ladder.arrows().stream().filter(a -> a.segment().fin()).toList();
        assertThat(fins).extracting(Ladder.Arrow::from).containsExactly(Ladder.Side.CLIENT, Ladder.Side.SERVER);
        for (Ladder.Arrow fin : fins) { // each FIN is acknowledged by the other side: ack = FIN's seq + 1
            long finSeq = fin.segment().seq();
            assertThat(ladder.arrows()).anyMatch(a -> a.from() != fin.from() && a.segment().ack() == finSeq + 1);
        }
        assertThat(ladder.path(Ladder.Side.CLIENT)).endsWith(TcpState.ESTABLISHED, TcpState.FIN_WAIT1,
                TcpState.FIN_WAIT2, TcpState.TIME_WAIT);
        assertThat(ladder.path(Ladder.Side.SERVER)).endsWith(TcpState.ESTABLISHED, TcpState.CLOSE_WAIT,
                TcpState.LAST_ACK, TcpState.CLOSE);
        List<String> text = ladder.text(false);
        String timeWait = text.stream().filter(l -> l.contains("TIME_WAIT")).findFirst().orElseThrow();
        assertThat(timeWait.indexOf("TIME_WAIT")).isLessThan(timeWait.indexOf('|')); // the client's (left) column
        assertThat(String.join("\n", StateDiagram.of(ladder).text(false)))
                .contains("client: 1 CLOSE -> 2 SYN_SENT -> 3 ESTABLISHED -> 4 FIN_WAIT1 -> 5 FIN_WAIT2 -> 6 TIME_WAIT")
                .contains("server: 1 LISTEN -> 2 SYN_RECV -> 3 ESTABLISHED -> 4 CLOSE_WAIT -> 5 LAST_ACK -> 6 CLOSE");
        assertThat(packetsIn(pcap)).isEqualTo(ladder.arrows().size());
    }

    @Test
    void stageContextNamesThePcapAfterTheStageAndReportsTheCapture() throws Exception {
        java.util.List<StageContext.Capture> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Consumer<StageContext.Capture> listener = seen::add;
        StageContext.addListener(listener);
        StageContext.pcapDir(dir);
        StageContext.enter("unit-stage");
        try (ServerSocket listener2 = listen()) {
            PacketCapture c = PacketCapture.start(listener2.getLocalPort());
            assumeTrue(c.running(), c.unavailableReason());
            try (Socket client = new Socket()) {
                client.connect(listener2.getLocalSocketAddress());
                listener2.accept().close();
                c.awaitSegments(3, WAIT);
            }
            c.stop();
            assertThat(c.pcapFile()).contains(dir.resolve("unit-stage.pcap"));
            assertThat(PacketCapture.start(listener2.getLocalPort()).stop()).isEmpty();
            assertThat(dir.resolve("unit-stage-2.pcap")).exists();
        } finally {
            StageContext.enter(null);
            StageContext.pcapDir(null);
            StageContext.removeListener(listener);
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0).stage()).isEqualTo("unit-stage");
        assertThat(seen.get(0).segments()).isNotEmpty();
        assertThat(packetsIn(dir.resolve("unit-stage.pcap"))).isEqualTo(seen.get(0).segments().size());
    }

    /** True once the client acknowledged the server's FIN. */
    private static boolean lastAckSeen(List<Segment> segments, int clientPort) {
        return segments.stream().filter(s -> s.fin() && s.dstPort() == clientPort)
                .anyMatch(fin -> segments.stream().anyMatch(s -> s.srcPort() == clientPort && s.ack() == fin.seq() + 1));
    }

    /** Packets in a .pcap as tcpdump itself reads them back. */
    static int packetsIn(Path pcap) throws Exception {
        assertThat(pcap).exists();
        Process p = new ProcessBuilder("tcpdump", "-n", "-r", pcap.toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("tcpdump -r %s: %s", pcap, err).isZero();
        return (int) out.lines().filter(l -> l.contains(" IP")).count();
    }
}
