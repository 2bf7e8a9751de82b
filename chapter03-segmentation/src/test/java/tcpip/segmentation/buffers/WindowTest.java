package tcpip.segmentation.buffers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.SocketTable;

/** Flow control on the live kernel: a writer to a non-reader blocks with bytes stuck in both kernels. */
@Timeout(30)
class WindowTest {

    private static final long TOTAL = 64L << 20;
    private static final Duration WAIT = Duration.ofSeconds(15);

    @ParameterizedTest(name = "buffers {0} (0 = kernel default)")
    @ValueSource(ints = {0, 16 * 1024})
    void blockedWriterLeavesItsBytesInTxQueuePlusRxQueue(int buffer) throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        WindowFill.Result r = WindowFill.run(buffer, buffer, TOTAL, WAIT);
        StallDetector.Stall s = r.stall();
        assertThat(s.stuck()).as("tx_queue + rx_queue while the writer is blocked").isPositive()
                .isEqualTo(s.writer().txQueue() + s.reader().rxQueue());
        assertThat(s.reader().rxQueue()).as("the reader's rx_queue: arrived but never read").isPositive();
        assertThat(s.writer().txQueue()).as("the writer's tx_queue: waiting for the window to open").isPositive();
        // Every byte a completed write() handed over is in one of the two queues; the blocked
        // write() may have copied part of its chunk too.
        assertThat(s.stuck()).as("stuck bytes vs. bytes written (%d)", s.written())
                .isBetween(s.written(), s.written() + WindowFill.CHUNK);
        assertThat(s.written()).as("the writer blocked long before its 64 MiB").isLessThan(TOTAL);
        assertThat(r.read()).as("after draining, every byte arrived").isEqualTo(TOTAL);
        assertThat(r.written()).isEqualTo(TOTAL);
    }

    @Test
    void bothWritersWithoutReadersDeadlockAndReadersFixIt() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        WriteWriteDeadlock.Deadlock d = WriteWriteDeadlock.provoke(WAIT);
        assertThat(d.aWritten()).isLessThan(WriteWriteDeadlock.EACH);
        assertThat(d.bWritten()).isLessThan(WriteWriteDeadlock.EACH);
        assertThat(d.aRow().txQueue()).isPositive();
        assertThat(d.aRow().rxQueue()).isPositive();
        assertThat(d.bRow().txQueue()).isPositive();
        assertThat(d.bRow().rxQueue()).isPositive();
        assertThat(WriteWriteDeadlock.withReaders(WAIT)).as("bytes read by each side once both have a reader")
                .containsExactly(WriteWriteDeadlock.EACH, WriteWriteDeadlock.EACH);
    }
}
