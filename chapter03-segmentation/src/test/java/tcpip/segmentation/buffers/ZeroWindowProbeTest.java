package tcpip.segmentation.buffers;

import tcpip.kernel.Sysctl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SocketTable;

/** Issue 12 item 14: the capture shows win 0 and zero-window probes whose intervals grow. */
@Timeout(30)
class ZeroWindowProbeTest {

    @Test
    void captureShowsWinZeroThenProbesThatBackOff() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        assumeTrue(PacketCapture.installed(), "tcpdump is not installed");
        PacketCapture[] capture = new PacketCapture[1];
        int[] ports = new int[2];
        try {
            // 4 MiB: far more than the 16 KiB buffers hold (the writer blocks after ~60 KB), and every byte of
            // it is captured after the drain. The reader stays idle until the capture shows two probes (bounded).
            WindowFill.run(16 << 10, 16 << 10, 4L << 20, Duration.ofSeconds(15),
                    () -> BufferStages.awaitProbes(capture[0], ports[0], ports[1], 2, BufferStages.PROBE_WATCH_LIMIT),
                    pair -> {
                        ports[0] = pair.clientPort();
                        ports[1] = pair.serverPort();
                        capture[0] = PacketCapture.start(pair.serverPort());
                    });
        } finally {
            if (capture[0] != null) {
                capture[0].stop();
            }
        }
        assumeTrue(capture[0].running(), capture[0].unavailableReason());
        ZeroWindowProbes z = ZeroWindowProbes.find(capture[0].segments(), ports[0], ports[1]);
        assertThat(z.zeroWindow()).as("the reader advertised win 0 (capture: %d segments)", capture[0].segments().size())
                .isNotNull();
        assertThat(z.probes()).as("probes while the window stayed zero").hasSizeGreaterThanOrEqualTo(2);
        assertThat(z.backsOff()).as("intervals %s grow", z.intervals()).isTrue();
        long rtoMinMs = Sysctl.longOr("net/ipv4/tcp_rto_min_us", -1) / 1_000;
        if (rtoMinMs > 0) {
            // 5 ms of slack: tcpdump's timestamps and the timer's tick are not exact
            assertThat(z.intervals().get(0) * 1_000).as("the first probe waits at least tcp_rto_min = %d ms", rtoMinMs)
                    .isGreaterThanOrEqualTo(rtoMinMs - 5.0);
        }
    }
}
