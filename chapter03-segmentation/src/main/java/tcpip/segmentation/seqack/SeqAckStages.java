package tcpip.segmentation.seqack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;

/** The SEQ/ACK stages of 데이터 송수신: the model and the real segments on loopback. */
public final class SeqAckStages {

    private static final String SECTION = "데이터 송수신";

    /** Connections opened only to compare their initial sequence numbers. */
    static final int ISN_CONNECTIONS = 4;
    /** Handshake (3) + 3 data segments and ACKs (6) + FIN and its answer (2) at least. */
    private static final int MIN_SEGMENTS = 11;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private SeqAckStages() {
    }

    /** The SEQ/ACK stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("seq-ack-model", SECTION, "SEQ/ACK, loss, retransmission (model and real)",
                        SeqAckStages::seqAck));
    }

    static void seqAck(Narrator n) throws Exception {
        byte[] message = "Hello, TCP! This message is cut into segments.".getBytes(StandardCharsets.UTF_8);
        int mss = 16;
        n.note("THIS IS A MODEL of what the kernel does, with seed 7: 20% loss, 10% duplicates, 20% reordering");
        SeqAckModel.Result r = SeqAckModel.run(message, new SeqAckModel.Options(7, mss, 0.2, 0.1, 0.2, 4, 10_000));
        r.diagram().forEach(l -> n.line("model", l));
        n.result("model receiver's program got \"" + new String(r.delivered(), StandardCharsets.UTF_8) + "\"");

        n.note("the real kernel: the same " + message.length + " bytes as writes of " + mss
                + " bytes (TCP_NODELAY, each read before the next write) on loopback");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.setSoTimeout((int) TIMEOUT.toMillis());
            int port = listener.getLocalPort();
            LoopbackCapture capture = startCapture(n, port);
            try {
                try (Socket client = new Socket()) {
                    client.setTcpNoDelay(true);
                    client.setSoTimeout((int) TIMEOUT.toMillis());
                    client.connect(listener.getLocalSocketAddress());
                    try (Socket server = listener.accept()) {
                        server.setSoTimeout((int) TIMEOUT.toMillis());
                        OutputStream out = client.getOutputStream();
                        InputStream in = server.getInputStream();
                        for (int off = 0; off < message.length; off += mss) {
                            int len = Math.min(mss, message.length - off);
                            out.write(message, off, len);
                            in.readNBytes(len); // read each piece before the next write: one segment each
                        }
                        client.shutdownOutput(); // FIN
                        in.readAllBytes();       // -1: the FIN arrived
                    }
                }
                for (int i = 0; i < ISN_CONNECTIONS; i++) {
                    try (Socket extra = new Socket()) {
                        extra.connect(listener.getLocalSocketAddress()); // one more SYN, one more ISN
                        listener.accept().close();
                    }
                }
                if (capture != null) {
                    LoopbackCapture c = capture;
                    c.await(ps -> SeqAckCheck.clientIsns(segments(ps)).size() > ISN_CONNECTIONS
                            && ps.size() >= MIN_SEGMENTS, TIMEOUT);
                    check(n, segments(c.stop()), port);
                }
            } finally {
                if (capture != null) {
                    capture.close();
                }
            }
        }
        n.simplifies("the article adds 1 to the received size; the ACK is the next byte expected, SEQ + length.");
        n.simplifies("The +1 appears only for SYN and FIN, which each use one sequence number.");
        n.note("loopback loses nothing; to watch the kernel lose and resend real segments: the loss-* stages or");
        n.note("sudo ./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab");
    }

    private static LoopbackCapture startCapture(Narrator n, int port) {
        if (!PacketCapture.installed()) {
            n.note("tcpdump is not installed (apt-get install tcpdump): no packets, no checks; as root: "
                    + PacketCapture.command(port));
            return null;
        }
        try {
            return LoopbackCapture.start(null, port);
        } catch (IOException e) {
            n.note(e.getMessage() + "; as root run: " + PacketCapture.command(port));
            return null;
        }
    }

    private static List<Segment> segments(List<LoopbackCapture.Packet> packets) {
        return packets.stream().map(LoopbackCapture.Packet::segment).toList();
    }

    /** Prints the first connection's segments, then every SEQ/ACK relation computed from them. */
    static void check(Narrator n, List<Segment> all, int port) {
        if (all.isEmpty()) {
            n.result("tcpdump is running but captured nothing on port " + port + ": the relations below are"
                    + " NOT checked (does NOT match)");
            return;
        }
        int firstClient = all.get(0).srcPort() == port ? all.get(0).dstPort() : all.get(0).srcPort();
        List<Segment> first = all.stream().filter(s -> s.srcPort() == firstClient || s.dstPort() == firstClient)
                .toList();
        first.forEach(s -> n.line("packet", s.describe()));
        n.ladder(first); // the data exchange as a picture: handshake, segments, ACKs, FIN
        List<SeqAckCheck.Check> checks = SeqAckCheck.acks(first);
        checks.forEach(c -> n.result(c.describe()));
        long bad = checks.stream().filter(c -> !c.matches()).count();
        n.result(checks.isEmpty() ? "no segment that takes sequence numbers was captured (does NOT match)"
                : bad == 0 ? "all " + checks.size() + " answers: ACK = SEQ + length, +1 only for SYN and FIN (matches)"
                        : bad + " of " + checks.size() + " answers do NOT match ACK = SEQ + length (+1 SYN/FIN)");
        List<Long> isns = SeqAckCheck.clientIsns(all);
        long min = isns.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = isns.stream().mapToLong(Long::longValue).max().orElse(0);
        n.result("client ISNs of " + isns.size() + " connections to the same port: " + isns);
        n.result(SeqAckCheck.looksRandom(isns)
                ? String.format("all different, spread over %,d numbers: not a counter (random per connection)", max - min)
                : "the ISNs are NOT spread as random numbers would be (does NOT match)");
    }
}
