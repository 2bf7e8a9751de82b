package tcpip.segmentation.homework;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;

/**
 * Exercise (reference solution): fill the window of a receiver that never reads, and report where
 * the written bytes wait (데이터 송수신: write() only copies into the send buffer; the receiver's
 * buffer and window bound what the sender may send).
 */
public final class WindowFiller {

    private static final int CHUNK = 64 * 1024;
    private static final int MAX_ROUNDS = 10_000;

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
        int local = ((InetSocketAddress) sender.getLocalAddress()).getPort();
        int remote = ((InetSocketAddress) sender.getRemoteAddress()).getPort();
        sender.configureBlocking(false); // write() now returns 0 instead of waiting for room
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        long written = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int n = sender.write(chunk.clear());
            written += n;
            if (n == 0) {
                long total = written;
                // Bytes in flight land in the receiver's queue; wait until every byte is in one of the two.
                KernelAwait.awaitTable(rows -> sendQ(rows, local, remote) + recvQ(rows, remote, local) == total, settle,
                        "Send-Q + Recv-Q = " + total);
                if (sender.write(chunk.clear()) == 0) {
                    // The report itself must be a settled table: a window update can still move queued bytes, and
                    // the two rows are read one after the other (a moving byte could be counted in neither).
                    List<SocketRow> rows = KernelAwait.awaitTable(
                            r -> sendQ(r, local, remote) + recvQ(r, remote, local) == total, settle,
                            "Send-Q + Recv-Q = " + total);
                    return new Filled(written, sendQ(rows, local, remote), recvQ(rows, remote, local));
                }
                written += CHUNK - chunk.remaining();
            }
        }
        throw new IOException("the window never filled after " + MAX_ROUNDS + " writes");
    }

    private static long sendQ(List<SocketRow> rows, int local, int remote) {
        return rows.stream().filter(r -> r.localPort() == local && r.remotePort() == remote)
                .mapToLong(SocketRow::txQueue).sum();
    }

    private static long recvQ(List<SocketRow> rows, int local, int remote) {
        return rows.stream().filter(r -> r.localPort() == local && r.remotePort() == remote)
                .mapToLong(SocketRow::rxQueue).sum();
    }
}
