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
import tcpip.segmentation.Msg;

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
                new Stage("seq-ack-model", SECTION, Msg.get("SeqAckStages.title"),
                        SeqAckStages::seqAck));
    }

    static void seqAck(Narrator n) throws Exception {
        byte[] message = "Hello, TCP! This message is cut into segments.".getBytes(StandardCharsets.UTF_8);
        int mss = 16;
        n.note(Msg.get("SeqAckStages.model"));
        SeqAckModel.Result r = SeqAckModel.run(message, new SeqAckModel.Options(7, mss, 0.2, 0.1, 0.2, 4, 10_000));
        r.diagram().forEach(l -> n.line(Msg.get("label.model"), l));
        n.result(Msg.get("SeqAckStages.modelGot", new String(r.delivered(), StandardCharsets.UTF_8)));

        n.note(Msg.get("SeqAckStages.real", message.length, mss));
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.setSoTimeout((int) TIMEOUT.toMillis());
            int port = listener.getLocalPort();
            // No capture possible: the stage says once why, and the model above still stands.
            PacketCapture capture = PacketCapture.start(port);
            InetSocketAddress firstClient;
            try {
                try (Socket client = new Socket()) {
                    client.setTcpNoDelay(true);
                    client.setSoTimeout((int) TIMEOUT.toMillis());
                    client.connect(listener.getLocalSocketAddress());
                    firstClient = (InetSocketAddress) client.getLocalSocketAddress(); // the ladder's client
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
                if (capture.running()) {
                    capture.await(ps -> SeqAckCheck.clientIsns(segments(ps)).size() > ISN_CONNECTIONS
                            && ps.size() >= MIN_SEGMENTS, TIMEOUT);
                    check(n, capture.stop(), port, firstClient);
                }
            } finally {
                capture.close();
            }
        }
        n.simplifies(Msg.get("SeqAckStages.article1"));
        n.simplifies(Msg.get("SeqAckStages.article2"));
        n.note(Msg.get("SeqAckStages.lossLab1"));
        n.note(Msg.get("SeqAckStages.lossLab2"));
    }

    private static List<Segment> segments(List<PacketCapture.Packet> packets) {
        return packets.stream().map(PacketCapture.Packet::segment).toList();
    }

    /** Prints the first connection's segments ({@code client}'s), then every SEQ/ACK relation computed from them. */
    static void check(Narrator n, List<Segment> all, int port, InetSocketAddress client) {
        if (all.isEmpty()) {
            n.result(Msg.get("SeqAckStages.nothingCaptured", port));
            return;
        }
        int clientPort = client.getPort();
        List<Segment> first = all.stream().filter(s -> s.srcPort() == clientPort || s.dstPort() == clientPort)
                .toList();
        first.forEach(s -> n.line(Narrator.label("packet"), s.describe()));
        n.ladder(first, client); // the data exchange as a picture: handshake, segments, ACKs, FIN
        List<SeqAckCheck.Check> checks = SeqAckCheck.acks(first);
        checks.forEach(c -> n.result(c.describe()));
        long bad = checks.stream().filter(c -> !c.matches()).count();
        n.result(checks.isEmpty() ? Msg.get("SeqAckStages.noChecks")
                : bad == 0 ? Msg.get("SeqAckStages.allMatch", checks.size())
                        : Msg.get("SeqAckStages.someNotMatch", bad, checks.size()));
        List<Long> isns = SeqAckCheck.clientIsns(all);
        long min = isns.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = isns.stream().mapToLong(Long::longValue).max().orElse(0);
        n.result(Msg.get("SeqAckStages.isns", isns.size(), isns));
        n.result(SeqAckCheck.looksRandom(isns) ? Msg.get("SeqAckStages.random", String.format("%,d", max - min))
                : Msg.get("SeqAckStages.notRandom"));
    }
}
