package tcpip.segmentation;

import tcpip.net.LoopbackPair;
import tcpip.kernel.SsInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Buffer sizes, MSS fields and the throughput harness against the live kernel (ss where installed). */
@Timeout(30)
class KernelNumbersTest {

    @Test
    void javaReportsTheRequestedBufferAndLinuxAllocatesDouble() throws Exception {
        int asked = 48 * 1024;
        try (LoopbackPair pair = LoopbackPair.open((c, l) -> {
            c.setSendBufferSize(asked);
            c.setReceiveBufferSize(asked);
        })) {
            assertThat(pair.client().getSendBufferSize()).as("Java's getter: what was asked").isEqualTo(asked);
            assertThat(pair.client().getReceiveBufferSize()).isEqualTo(asked);
            assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
            SsInfo info = SsInfo.of(pair.clientPort(), pair.serverPort()).orElseThrow();
            assertThat(info.number("skmem.tb")).as("send buffer the kernel allocated").isEqualTo(2L * asked);
            assertThat(info.number("skmem.rb")).as("receive buffer the kernel allocated").isEqualTo(2L * asked);
        }
    }

    @Test
    void mssFieldsAreThereAndTheSenderNeverExceedsThePeersAdvertisedMss() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        try (LoopbackPair pair = LoopbackPair.open()) {
            SsInfo client = SsInfo.of(pair.clientPort(), pair.serverPort()).orElseThrow();
            SsInfo server = SsInfo.of(pair.serverPort(), pair.clientPort()).orElseThrow();
            assertThat(client.number("mss")).isPositive().isLessThanOrEqualTo(server.number("advmss"));
            assertThat(client.number("pmtu")).isPositive();
        }
    }

    @Test
    void throughputHarnessCountsEveryByteInEveryMode() throws Exception {
        Path file = Files.createTempFile("throughput-test", ".bin");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            BulkSender.fill(file);
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                while (listener.isOpen()) {
                    try (SocketChannel ch = listener.accept()) {
                        BulkReceiver.receive(ch, Duration.ofSeconds(10));
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            InetSocketAddress server = (InetSocketAddress) listener.getLocalAddress();
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
            assertThat(BulkSender.chart(java.util.List.of(new BulkSender.Measurement(BulkSender.Mode.STREAM, 1, 1,
                    Duration.ofSeconds(1))))).contains("stream").contains("1 B");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
