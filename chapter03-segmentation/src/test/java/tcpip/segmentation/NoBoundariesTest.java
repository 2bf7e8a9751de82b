package tcpip.segmentation;

import tcpip.net.LoopbackPair;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;

/** A TCP stream keeps no write() boundaries: proved on the live kernel. */
@Timeout(20)
class NoBoundariesTest {

    private static final int MIB = 1 << 20;

    @Test
    void oneBigWriteNeedsManyReadsEvenWithABufferBigEnoughForAll() throws Exception {
        // The reader's buffer could take the whole MiB at once; the kernel's receive queue (64 KiB
        // asked, so 128 KiB allocated) cannot, so read() must return several smaller pieces.
        try (LoopbackPair pair = LoopbackPair.open((c, listener) -> listener.setReceiveBufferSize(64 * 1024))) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    pair.client().getOutputStream().write(new byte[MIB]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Integer> sizes = SegmentationDemo.readExactly(pair.server().getInputStream(), MIB, 2 * MIB);
            writer.join();
            assertThat(sizes).as("read() sizes for one 1 MiB write()").hasSizeGreaterThan(1);
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(MIB);
        }
    }

    @Test
    void tenSmallWritesAreOneRowOfBytesInTheReceiveQueue() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (LoopbackPair pair = LoopbackPair.open()) {
            OutputStream out = pair.client().getOutputStream();
            for (int i = 0; i < 10; i++) {
                out.write(("message-" + i + "|").getBytes(StandardCharsets.US_ASCII));
            }
            KernelAwait.awaitRow(r -> r.localPort() == pair.serverPort() && r.remotePort() == pair.clientPort()
                    && r.rxQueue() == 100, Duration.ofSeconds(10), "all 100 bytes in the receive queue");
            byte[] buf = new byte[4096];
            int n = pair.server().getInputStream().read(buf);
            assertThat(n).as("one read() after ten 10-byte writes").isEqualTo(100);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("message-0|message-1|")
                    .endsWith("message-9|");
        }
    }
}
