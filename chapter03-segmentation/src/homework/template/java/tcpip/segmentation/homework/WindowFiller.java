package tcpip.segmentation.homework;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Exercise: fill the window of a receiver that never reads, and report where the written bytes wait
 * (데이터 송수신: write() only copies into the send buffer; the receiver's buffer and window bound
 * what the sender may send).
 *
 * <p>A blocking write() would hang once everything is full, so switch the channel to non-blocking:
 * write() then returns 0 when the kernel takes nothing. Bytes still in flight move from the
 * sender's queue to the receiver's, so a single 0 is not yet the end: wait (KernelAwait, not
 * sleep) until Send-Q + Recv-Q equals what you wrote, and try once more. Send-Q is the tx_queue of
 * the sender's row in /proc/net/tcp*, Recv-Q the rx_queue of the receiver's row (tcpip.kernel.SocketTable).
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation WindowFiller}
 */
public final class WindowFiller {

    /** Bytes written, and where they wait: the sender's Send-Q and the receiver's Recv-Q. */
    public record Filled(long written, long sendQueue, long receiveQueue) {
    }

    private WindowFiller() {
    }

    /**
     * Writes to {@code sender} (connected to a peer that does not read) without ever blocking,
     * until the kernel accepts nothing more even after the queues settled; then reads the sender's
     * row (tx_queue = Send-Q) and the receiver's row (rx_queue = Recv-Q) from /proc/net/tcp*.
     */
    public static Filled fill(SocketChannel sender, Duration settle) throws IOException, TimeoutException {
        // TODO 1: configureBlocking(false); write 64 KiB chunks and count the bytes until write() returns 0.
        // TODO 2: wait until Send-Q + Recv-Q == written; if write() still takes nothing, read both rows and return.
        throw new UnsupportedOperationException("TODO: write without blocking until the window is full; read Send-Q and Recv-Q");
    }
}
