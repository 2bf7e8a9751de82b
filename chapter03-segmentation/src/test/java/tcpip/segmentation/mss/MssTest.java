package tcpip.segmentation.mss;

import tcpip.kernel.Sysctl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;

/**
 * Issue 12 item 8: the MSS in the SYN, advmss and the sending mss, read from the capture and ss
 * and compared with what the kernel computes them from (the device MTU, timestamps, the peer's window).
 */
@Timeout(20)
class MssTest {

    @Test
    void ipv4SynCarriesMtuMinus40CappedAt65535AndSsFollowsFromIt() throws Exception {
        check(InetAddress.getByName("127.0.0.1"), false);
    }

    @Test
    void ipv6SynCarriesMtuMinus60() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(v6, 0));
        } catch (IOException e) {
            assumeTrue(false, "::1 is not available here: " + e.getMessage());
        }
        check(v6, true);
    }

    private static void check(InetAddress address, boolean v6) throws Exception {
        long mtu = Sysctl.mtu("lo");
        assumeTrue(mtu > 0, "needs /sys/class/net/lo/mtu");
        assumeTrue(PacketCapture.installed(), "tcpdump is not installed");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(address, 0));
            try (PacketCapture capture = PacketCapture.start(listener.getLocalPort())) {
                assumeTrue(capture.running(), capture.unavailableReason());
                try (Socket client = MssCore.connect((InetSocketAddress) listener.getLocalSocketAddress());
                        Socket server = listener.accept()) {
                    List<Segment> segs = capture.awaitSegments(3, Duration.ofSeconds(3));
                    Segment syn = segs.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElse(null);
                    Segment synAck = segs.stream().filter(s -> s.syn() && s.hasAck()).findFirst().orElse(null);
                    assertThat(syn).as("tcpdump runs, so the capture must hold the SYN: %s", segs).isNotNull();
                    assertThat(synAck).as("and the SYN+ACK: %s", segs).isNotNull();
                    assertThat((long) syn.mss()).as("SYN mss for lo MTU %d", mtu).isEqualTo(MssReport.expectedSynMss(mtu, v6));
                    if (!v6 && mtu >= MssReport.IPV4_MAX) {
                        assertThat(syn.mss()).as("an IPv4 datagram is at most 65535 bytes").isEqualTo(65_495);
                    }
                    assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
                    SsInfo info = SsInfo.of(client.getLocalPort(), client.getPort()).orElseThrow();
                    long ts = MssReport.timestamps() ? MssReport.TIMESTAMP_OPTION : 0;
                    assertThat(info.number("advmss")).as("advmss = SYN mss - timestamp option").isEqualTo(syn.mss() - ts);
                    long half = synAck.window() / 2;
                    assertThat(info.number("mss")).as("sending mss = min(peer mss - ts, half the peer's window %d)",
                            synAck.window()).isEqualTo(Math.min(synAck.mss() - ts, half));
                }
            }
        }
    }
}
