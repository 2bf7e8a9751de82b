package tcpip.segmentation.mss;

import tcpip.kernel.Sysctl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.kernel.TextWidth;
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;

/** 데이터 송수신 cut into segments: the MSS in the SYNs and the one the kernel really uses. */
public final class MssStages {

    /** Bytes the client sends over each connection. */
    private static final int SENT = 256 << 10;

    private MssStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("mss", StageSupport.SECTION, Msg.get("MssStages.title"), MssStages::mss));
    }

    static void mss(Narrator n) throws Exception {
        n.code(MssCore.class, "connect");
        long mtu = Sysctl.mtu("lo");
        n.kernel(Msg.get("MssStages.mtu", mtu));
        for (InetAddress address : new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            ServerSocket listener;
            try {
                listener = StageSupport.listen(address);
            } catch (IOException e) {
                n.note(Msg.get("MssStages.unavailable", address.getHostAddress(), e.getMessage()));
                continue;
            }
            try (listener; PacketCapture capture = PacketCapture.start(listener.getLocalPort());
                    Socket client = MssCore.connect(StageSupport.address(listener)); Socket server = listener.accept()) {
                mssOf(n, address instanceof Inet6Address, mtu, capture, client, server);
            }
        }
        if (mtu == 1500) {
            n.simplifies(Msg.get("MssStages.article1500"));
        } else {
            n.simplifies(Msg.get("MssStages.article1"));
            n.simplifies(Msg.get("MssStages.article2"));
        }
    }

    private static void mssOf(Narrator n, boolean v6, long mtu, PacketCapture capture, Socket client, Socket server)
            throws Exception {
        String family = v6 ? "::1 (IPv6)" : "127.0.0.1 (IPv4)";
        n.program(Msg.get("MssStages.connectOver", family));
        String afterHandshake = MssReport.ssLine(client);
        Optional<SsInfo> clientSs = MssReport.ss(client);
        Thread writer = Thread.ofPlatform().start(() -> sendQuietly(client, SENT));
        MssCore.receive(server, SENT);
        writer.join(StageSupport.TIMEOUT.toMillis());
        if (!capture.running()) {
            n.note(capture.unavailableReason());
        } else {
            List<Segment> segs = capture.awaitSegments(3, Duration.ofSeconds(2));
            Segment syn = segs.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElse(null);
            Segment synAck = segs.stream().filter(s -> s.syn() && s.hasAck()).findFirst().orElse(null);
            if (syn == null || synAck == null) {
                n.result(Msg.get("MssStages.noSynPair"));
            } else {
                n.line(Narrator.label("packet"), syn.describe());
                n.line(Narrator.label("packet"), synAck.describe());
                n.result(MssReport.synLine(syn, mtu, v6));
                clientSs.ifPresent(i -> n.result(MssReport.advmssLine(i.number("advmss"), syn.mss())));
                clientSs.ifPresent(i -> n.result(Msg.get("MssStages.rightAfterHandshake", MssReport.halfWindowLine(
                        i.number("mss"), i.number("advmss"), synAck.mss(), synAck.window()))));
            }
            int clientPort = client.getLocalPort();
            // tcpdump prints a little after the packets pass: wait until all 256 KiB are in the capture
            boolean all = capture.await(ps -> ps.stream().filter(p -> p.segment().srcPort() == clientPort)
                    .mapToLong(p -> p.segment().length()).sum() >= SENT, StageSupport.TIMEOUT);
            List<Segment> data = capture.segments().stream().filter(s -> s.srcPort() == clientPort && s.length() > 0)
                    .toList();
            long captured = data.stream().mapToLong(Segment::length).sum();
            if (!all) {
                n.result(Msg.get("MssStages.notAllCaptured", captured, SENT));
            }
            int largest = data.stream().mapToInt(Segment::length).max().orElse(0);
            long limit = synAck == null ? -1 : synAck.mss() - (MssReport.timestamps() ? MssReport.TIMESTAMP_OPTION : 0);
            n.result(Msg.get("MssStages.largest", largest, limit, data.size(), captured));
            long gso = MssReport.gsoMaxSize("lo");
            if (limit > 0 && largest > limit) {
                n.note(Msg.get("MssStages.gso1"));
                n.note(Msg.get("MssStages.gso2"));
            } else if (gso > 0 && limit > 0) {
                n.note(Msg.get(gso / limit <= 1 ? "MssStages.gsoNoRoom" : "MssStages.gsoUnused", gso, limit, gso / limit));
            }
        }
        String[] labels = {Msg.get("MssStages.label.clientHandshake"), Msg.get("MssStages.label.client256"),
            Msg.get("MssStages.label.server256")};
        int width = 0;
        for (String label : labels) {
            width = Math.max(width, TextWidth.of(label));
        }
        n.kernel(TextWidth.padRight(labels[0], width) + " " + afterHandshake);
        n.kernel(TextWidth.padRight(labels[1], width) + " " + MssReport.ssLine(client));
        n.kernel(TextWidth.padRight(labels[2], width) + " " + MssReport.ssLine(server));
    }

    private static void sendQuietly(Socket socket, int bytes) {
        try {
            MssCore.send(socket, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
