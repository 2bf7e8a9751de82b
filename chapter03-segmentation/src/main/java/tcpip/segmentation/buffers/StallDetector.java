package tcpip.segmentation.buffers;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;

/**
 * Tells when a writer is blocked by flow control, from the kernel's point of view: the bytes
 * the program handed over stop growing and the socket table shows the same tx_queue (writer)
 * and rx_queue (reader) for a while. No sleep: it polls /proc through {@link KernelAwait}.
 */
public final class StallDetector {

    /** How long nothing may change before we call the writer blocked. */
    public static final Duration STABLE = Duration.ofMillis(200);

    private StallDetector() {
    }

    /**
     * What the kernel showed once the writer stopped.
     *
     * @param written bytes the writer's write() calls had returned
     * @param writer  the writer's row: tx_queue = bytes handed over but not acknowledged
     * @param reader  the reader's row: rx_queue = bytes arrived but not read
     */
    public record Stall(long written, SocketRow writer, SocketRow reader) {
        /** Bytes sitting in the two kernels: tx_queue + rx_queue. */
        public long stuck() {
            return writer.txQueue() + reader.rxQueue();
        }
    }

    /**
     * Waits until the connection writerPort → readerPort stops moving for {@link #STABLE}.
     *
     * @param written what the writer's completed write() calls returned so far
     */
    public static Stall await(LongSupplier written, int writerPort, int readerPort, Duration timeout)
            throws TimeoutException {
        long[] last = {-1, -1, -1};
        long[] since = {System.nanoTime()};
        List<SocketRow> rows = KernelAwait.awaitTable(table -> {
            Optional<SocketRow> w = find(table, writerPort, readerPort);
            Optional<SocketRow> r = find(table, readerPort, writerPort);
            if (w.isEmpty() || r.isEmpty()) {
                return false;
            }
            long[] now = {written.getAsLong(), w.get().txQueue(), r.get().rxQueue()};
            if (now[0] != last[0] || now[1] != last[1] || now[2] != last[2]) {
                System.arraycopy(now, 0, last, 0, 3);
                since[0] = System.nanoTime();
                return false;
            }
            return now[1] + now[2] > 0 && System.nanoTime() - since[0] >= STABLE.toNanos();
        }, timeout, "the writer on port " + writerPort + " blocked (queues not growing for " + STABLE.toMillis() + " ms)");
        return new Stall(written.getAsLong(), find(rows, writerPort, readerPort).orElseThrow(),
                find(rows, readerPort, writerPort).orElseThrow());
    }

    private static Optional<SocketRow> find(List<SocketRow> table, int local, int remote) {
        return table.stream().filter(r -> r.localPort() == local && r.remotePort() == remote).findFirst();
    }
}
