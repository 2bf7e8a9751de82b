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
import tcpip.segmentation.StageSupport;

/** 데이터 송수신 cut into segments: the MSS in the SYNs and the one the kernel really uses. */
public final class MssStages {

    private MssStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("mss", StageSupport.SECTION, "the MSS the kernel really uses", MssStages::mss));
    }

    static void mss(Narrator n) throws Exception {
        n.code(MssCore.class, "connect");
        long mtu = Sysctl.mtu("lo");
        n.kernel("lo's MTU here: " + mtu + "   [/sys/class/net/lo/mtu]");
        for (InetAddress address : new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            ServerSocket listener;
            try {
                listener = StageSupport.listen(address);
            } catch (IOException e) {
                n.note(address.getHostAddress() + " is not available here: " + e.getMessage());
                continue;
            }
            try (listener; PacketCapture capture = PacketCapture.start(listener.getLocalPort());
                    Socket client = MssCore.connect(StageSupport.address(listener)); Socket server = listener.accept()) {
                mssOf(n, address instanceof Inet6Address, mtu, capture, client, server);
            }
        }
        if (mtu == 1500) {
            n.simplifies("this lo has Ethernet's MTU 1500: the SYN's mss is the article's 1460");
        } else {
            n.simplifies("the article's 1460 is Ethernet's MTU 1500 minus 40; loopback has no Ethernet.");
            n.simplifies("To see 1460: sudo chapter03-segmentation/scripts/mss-netns.sh (lo with MTU 1500)");
        }
    }

    private static void mssOf(Narrator n, boolean v6, long mtu, PacketCapture capture, Socket client, Socket server)
            throws Exception {
        String family = v6 ? "::1 (IPv6)" : "127.0.0.1 (IPv4)";
        n.program("connect() over " + family);
        String afterHandshake = MssReport.ssLine(client);
        Optional<SsInfo> clientSs = MssReport.ss(client);
        Thread writer = Thread.ofPlatform().start(() -> sendQuietly(client, 256 << 10));
        MssCore.receive(server, 256 << 10);
        writer.join(StageSupport.TIMEOUT.toMillis());
        if (!capture.running()) {
            n.note(capture.unavailableReason());
        } else {
            List<Segment> segs = capture.awaitSegments(3, Duration.ofSeconds(2));
            Segment syn = segs.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElse(null);
            Segment synAck = segs.stream().filter(s -> s.syn() && s.hasAck()).findFirst().orElse(null);
            if (syn == null || synAck == null) {
                n.result("the capture has no SYN/SYN+ACK pair: does NOT match a handshake that happened");
            } else {
                n.line("packet", syn.describe());
                n.line("packet", synAck.describe());
                n.result(MssReport.synLine(syn, mtu, v6));
                clientSs.ifPresent(i -> n.result(MssReport.advmssLine(i.number("advmss"), syn.mss())));
                clientSs.ifPresent(i -> n.result("client right after the handshake: " + MssReport.halfWindowLine(
                        i.number("mss"), i.number("advmss"), synAck.mss(), synAck.window())));
            }
            int largest = capture.segments().stream().filter(s -> s.srcPort() == client.getLocalPort())
                    .mapToInt(Segment::length).max().orElse(0);
            long limit = synAck == null ? -1 : synAck.mss() - (MssReport.timestamps() ? MssReport.TIMESTAMP_OPTION : 0);
            n.result("largest data segment the client sent: " + largest + " bytes; the server's mss allows " + limit);
            if (limit > 0 && largest > limit) {
                n.note("larger than the peer's MSS: a GSO packet, which the device (or the kernel just before it) cuts");
                n.note("into MSS-sized segments on the wire");
            } else {
                n.note("no segment is larger than the peer's MSS: no segmentation offload (GSO) at work on this path");
            }
        }
        n.kernel("client after the handshake " + afterHandshake);
        n.kernel("client after 256 KiB       " + MssReport.ssLine(client));
        n.kernel("server after 256 KiB       " + MssReport.ssLine(server));
    }

    private static void sendQuietly(Socket socket, int bytes) {
        try {
            MssCore.send(socket, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
