package tcpip.segmentation.buffers;

import tcpip.net.LoopbackPair;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import java.net.ServerSocket;
import java.util.Arrays;

/**
 * Two peers that each write a lot before reading anything: once all four buffers are full both
 * write() calls block forever. This class provokes it on loopback with small buffers, detects
 * it from the kernel's queues, breaks it by closing, and then shows the fix (a reader per side).
 */
public final class WriteWriteDeadlock {

    /** Small buffers so the deadlock comes quickly. */
    public static final int BUFFER = 64 * 1024;
    /** Bytes each side writes: far more than the buffers hold. */
    public static final int EACH = 8 << 20;
    /** How long both sides must stay stuck before we call it a deadlock. */
    public static final Duration STABLE = StallDetector.STABLE;

    private WriteWriteDeadlock() {
    }

    /**
     * What the kernel showed when both writers had stopped.
     *
     * @param aWritten  bytes side A's write() calls had returned
     * @param bWritten  bytes side B's write() calls had returned
     * @param aRow      side A's row (tx_queue: its unacknowledged bytes; rx_queue: B's bytes it never read)
     * @param bRow      side B's row
     */
    public record Deadlock(long aWritten, long bWritten, SocketRow aRow, SocketRow bRow) {
    }

    /**
     * Both sides write {@link #EACH} bytes and read nothing: returns once the kernel shows the
     * deadlock, after closing both sockets (which fails the blocked write() calls).
     */
    public static Deadlock provoke(Duration timeout) throws IOException, TimeoutException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open(WriteWriteDeadlock::smallBuffers)) {
            pair.server().setSendBufferSize(BUFFER); // the accepted end's send buffer, too
            AtomicLong a = new AtomicLong();
            AtomicLong b = new AtomicLong();
            Thread wa = writer(pair.client(), a);
            Thread wb = writer(pair.server(), b);
            try {
                List<SocketRow> rows = awaitBothStuck(pair, a, b, timeout);
                return new Deadlock(a.get(), b.get(), row(rows, pair.clientPort(), pair.serverPort()).orElseThrow(),
                        row(rows, pair.serverPort(), pair.clientPort()).orElseThrow());
            } finally {
                pair.close(); // close(): the blocked write() calls fail with "Socket closed"
                wa.join(timeout.toMillis());
                wb.join(timeout.toMillis());
            }
        }
    }

    /**
     * The fix: the same two writers, but each side also has a reader thread draining what the
     * other sends. Returns the bytes each side read; both finish.
     */
    public static long[] withReaders(Duration timeout) throws IOException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open(WriteWriteDeadlock::smallBuffers)) {
            pair.server().setSendBufferSize(BUFFER);
            AtomicLong a = new AtomicLong();
            AtomicLong b = new AtomicLong();
            AtomicLong aRead = new AtomicLong();
            AtomicLong bRead = new AtomicLong();
            Thread ra = reader(pair.client(), aRead);
            Thread rb = reader(pair.server(), bRead);
            Thread wa = writer(pair.client(), a);
            Thread wb = writer(pair.server(), b);
            wa.join(timeout.toMillis());
            wb.join(timeout.toMillis());
            pair.client().shutdownOutput(); // FIN: the peer's reader sees -1 after the last byte
            pair.server().shutdownOutput();
            ra.join(timeout.toMillis());
            rb.join(timeout.toMillis());
            return new long[] {aRead.get(), bRead.get()};
        }
    }

    private static void smallBuffers(Socket client, ServerSocket listener) throws IOException {
        client.setSendBufferSize(BUFFER);
        client.setReceiveBufferSize(BUFFER);
        listener.setReceiveBufferSize(BUFFER);
    }

    private static Thread writer(Socket socket, AtomicLong written) {
        return Thread.ofPlatform().daemon().name("writer-" + socket.getLocalPort()).start(() -> {
            try {
                WindowCore.writeAll(socket, EACH, written); // blocks for good once the peer stops draining
            } catch (IOException e) {
                // the socket was closed to break the deadlock
            }
        });
    }

    private static Thread reader(Socket socket, AtomicLong read) {
        return Thread.ofPlatform().daemon().name("reader-" + socket.getLocalPort()).start(() -> {
            try {
                read.set(WindowCore.drain(socket, Long.MAX_VALUE));
            } catch (IOException e) {
                // closed
            }
        });
    }

    private static List<SocketRow> awaitBothStuck(LoopbackPair pair, AtomicLong a, AtomicLong b, Duration timeout)
            throws TimeoutException {
        long[] last = new long[6];
        long[] since = {System.nanoTime()};
        return KernelAwait.awaitBothEnds(pair.clientPort(), pair.serverPort(), rows -> {
            Optional<SocketRow> ra = row(rows, pair.clientPort(), pair.serverPort());
            Optional<SocketRow> rb = row(rows, pair.serverPort(), pair.clientPort());
            if (ra.isEmpty() || rb.isEmpty()) {
                return false;
            }
            long[] now = {a.get(), b.get(), ra.get().txQueue(), ra.get().rxQueue(), rb.get().txQueue(),
                rb.get().rxQueue()};
            if (!Arrays.equals(now, last)) {
                System.arraycopy(now, 0, last, 0, now.length);
                since[0] = System.nanoTime();
                return false;
            }
            boolean full = now[2] > 0 && now[3] > 0 && now[4] > 0 && now[5] > 0;
            return full && now[0] < EACH && now[1] < EACH && System.nanoTime() - since[0] >= STABLE.toNanos();
        }, timeout, "both writers blocked with full queues");
    }

    private static Optional<SocketRow> row(List<SocketRow> rows, int local, int remote) {
        return rows.stream().filter(r -> r.localPort() == local && r.remotePort() == remote).findFirst();
    }
}
