package tcpip.segmentation;

import tcpip.kernel.Sysctl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.SsInfo;
import tcpip.net.AcceptLoop;
import tcpip.net.LoopbackPair;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.segmentation.throughput.BulkSender;

/** Buffer sizes, window scale and the throughput harness against the live kernel (ss where installed). */
@Timeout(30)
class KernelNumbersTest {

    /**
     * Issue 12 item 6: the kernel keeps 2 × min(asked, max), at least its minimum, and Java reports
     * half of what the kernel holds, which equals the request only when nothing was clamped.
     */
    @Test
    void kernelDoublesTheRequestWithinItsLimitsAndJavaReportsHalfOfIt() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        long wmemMax = Sysctl.longOr("net/core/wmem_max", -1);
        long rmemMax = Sysctl.longOr("net/core/rmem_max", -1);
        assumeTrue(wmemMax > 0 && rmemMax > 0, "needs /proc/sys/net/core");
        int normal = 48 * 1024;
        int tooBig = (int) Math.min(Integer.MAX_VALUE / 2, 2 * Math.max(wmemMax, rmemMax));
        int tiny = 1024;
        for (int asked : new int[] {normal, tooBig, tiny}) {
            try (LoopbackPair pair = LoopbackPair.open((c, l) -> {
                c.setSendBufferSize(asked);
                c.setReceiveBufferSize(asked);
            })) {
                SsInfo info = SsInfo.of(pair.clientPort(), pair.serverPort()).orElseThrow();
                long tb = info.number("skmem.tb");
                long rb = info.number("skmem.rb");
                assertThat(pair.client().getSendBufferSize()).as("Java's getter = kernel tb / 2, asked %d", asked)
                        .isEqualTo((int) (tb / 2));
                assertThat(pair.client().getReceiveBufferSize()).as("Java's getter = kernel rb / 2, asked %d", asked)
                        .isEqualTo((int) (rb / 2));
                if (asked == normal) {
                    assertThat(tb).isEqualTo(2L * asked);
                    assertThat(rb).isEqualTo(2L * asked);
                } else if (asked == tooBig) {
                    assertThat(tb).as("clamped to wmem_max, then doubled").isEqualTo(2 * wmemMax);
                    assertThat(rb).as("clamped to rmem_max, then doubled").isEqualTo(2 * rmemMax);
                    assertThat(pair.client().getSendBufferSize()).as("Java does NOT report what was asked").isNotEqualTo(asked);
                } else {
                    assertThat(tb).as("raised to the kernel's minimum").isGreaterThan(2L * asked);
                    assertThat(pair.client().getSendBufferSize()).as("Java does NOT report what was asked").isNotEqualTo(asked);
                }
            }
        }
    }

    /** Issue 12 item 7: the SYN's window scale comes from tcp_rmem[2] / rmem_max, not from today's buffer. */
    @Test
    void windowScaleOfAnAutotunedSocketComesFromTheLargestBufferItMayReach() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        try (LoopbackPair pair = LoopbackPair.open()) {
            SsInfo info = SsInfo.of(pair.clientPort(), pair.serverPort()).orElseThrow();
            int ours = info.windowScales().orElseThrow()[1];
            long space = Math.max(Sysctl.field("net/ipv4/tcp_rmem", 2, -1), Sysctl.longOr("net/core/rmem_max", -1));
            assertThat(ours).as("wscale = ilog2(max(tcp_rmem[2], rmem_max)) - 15").isEqualTo(ilog2Minus15(space));
            long rb = info.number("skmem.rb");
            assumeTrue(ilog2Minus15(rb) != ilog2Minus15(space), "today's rb gives the same scale on this machine");
            assertThat(ours).as("NOT from the current receive buffer rb=%d", rb).isNotEqualTo(ilog2Minus15(rb));
        }
    }

    private static int ilog2Minus15(long space) {
        return Math.max(0, Math.min(14, 63 - Long.numberOfLeadingZeros(space) - 15));
    }

    @Test
    void throughputHarnessCountsEveryByteInEveryMode() throws Exception {
        Path file = Files.createTempFile("throughput-test", ".bin");
        try (java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open()) {
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerSocket listener = channel.socket();
            BulkSender.fill(file);
            Thread receiver = Thread.ofPlatform().daemon()
                    .start(BulkReceiver.loop(listener, new AcceptLoop.Limits(4, Duration.ofSeconds(10)), l -> { })::run);
            InetSocketAddress server = (InetSocketAddress) listener.getLocalSocketAddress();
            for (BulkSender.Mode mode : BulkSender.Mode.values()) {
                for (int size : new int[] {1000, 64 << 10}) {
                    BulkSender.Measurement m = BulkSender.measure(server, mode, size, Duration.ofMillis(30), file);
                    assertThat(m.bytes()).as("%s %d", mode, size).isPositive();
                    if (mode != BulkSender.Mode.TRANSFER_TO) {
                        assertThat(m.bytes() % size).as("whole writes of %d bytes, counted by the receiver", size)
                                .isZero();
                    }
                }
            }
            listener.close();
            receiver.join(5000);
            assertThat(BulkSender.chart(List.of(new BulkSender.Measurement(BulkSender.Mode.STREAM, 1, 1,
                    Duration.ofSeconds(1))))).contains("stream").contains("1 B");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
