package tcpip.segmentation.framing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.SsInfo;
import tcpip.net.LoopbackPair;

/** A TCP stream keeps no write() boundaries: proved on the live kernel. */
@Timeout(20)
class NoBoundariesTest {

    private static final int MIB = 1 << 20;

    /** Issue 12 item 13: the reads of one 1 MiB write are cut by the kernel's receive queue, not by our buffer. */
    @Test
    void oneBigWriteIsCutByTheReceiveQueueNotByOurBuffer() throws Exception {
        assertThat(ReadSizeServer.BUFSIZE).as("our read buffer must take the whole MiB at once, or it, not the"
                + " kernel, decides the read sizes").isGreaterThanOrEqualTo(MIB);
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(Duration.ofSeconds(10))) {
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    StreamCore.writeOnce(pair.client(), new byte[MIB]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<Integer> sizes = StreamCore.readSizes(pair.server(), new byte[ReadSizeServer.BUFSIZE], MIB);
            writer.join(10_000);
            assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(MIB);
            // Autotuning only grows the buffer, so its size now bounds every earlier read.
            long rb = SsInfo.installed() ? SsInfo.of(pair.serverPort(), pair.clientPort()).orElseThrow().number("skmem.rb")
                    : 2L * pair.server().getReceiveBufferSize();
            assertThat(Collections.max(sizes)).as("no read() can return more than the receive queue holds (rb=%d)", rb)
                    .isLessThanOrEqualTo((int) rb);
            assertThat(sizes.size()).as("reads needed when each is at most rb=%d", rb)
                    .isGreaterThanOrEqualTo((int) ((MIB + rb - 1) / rb));
        }
    }

    @Test
    void tenSmallWritesAreOneRowOfBytesInTheReceiveQueue() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(Duration.ofSeconds(10))) {
            StreamCore.writeEach(pair.client(), WriteBurstClient.smallPieces());
            KernelAwait.awaitRow(pair.serverPort(), r -> r.remotePort() == pair.clientPort()
                    && r.rxQueue() == 100, Duration.ofSeconds(10), "all 100 bytes in the receive queue");
            byte[] buf = new byte[4096];
            int n = pair.server().getInputStream().read(buf);
            assertThat(n).as("one read() after ten 10-byte writes").isEqualTo(100);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).startsWith("message-0|message-1|")
                    .endsWith("message-9|");
        }
    }
}
