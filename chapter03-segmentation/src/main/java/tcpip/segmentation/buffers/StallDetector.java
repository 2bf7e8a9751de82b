package tcpip.segmentation.buffers;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import tcpip.kernel.KernelText;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.segmentation.Msg;

/**
 * Tells when a writer is blocked by flow control, from the kernel's point of view: the bytes
 * the program handed over stop growing and the socket table shows the same tx_queue (writer)
 * and rx_queue (reader) for a while. No sleep: it polls /proc every {@link #POLL} (a blocked writer
 * stays blocked, so a finer look only costs CPU: on a busy machine /proc/net/tcp6 has thousands of rows)
 * and stops as soon as the writer has finished, since a writer that finished can no longer block.
 */
public final class StallDetector {

    /** How long nothing may change before we call the writer blocked. */
    public static final Duration STABLE = Duration.ofMillis(200);
    /** How often the table is read while waiting. */
    static final Duration POLL = Duration.ofMillis(10);

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
     * @param written  what the writer's completed write() calls returned so far
     * @param finished true once the writer has returned from its last write() (it handed over every byte,
     *                 or failed): then it never blocked, and waiting longer cannot show it blocked
     * @throws TimeoutException if the writer finished first, or nothing stood still within {@code timeout}
     */
    public static Stall await(LongSupplier written, BooleanSupplier finished, int writerPort, int readerPort,
            Duration timeout) throws TimeoutException {
        if (!SocketTable.available()) {
            throw new UnsupportedOperationException(SocketTable.unavailableMessage());
        }
        long[] last = {-1, -1, -1};
        long since = System.nanoTime();
        long deadline = since + timeout.toNanos();
        while (true) {
            boolean done = finished.getAsBoolean(); // read before the table: a row seen after it is final
            List<SocketRow> table = SocketTable.bothEnds(writerPort, readerPort);
            Optional<SocketRow> w = find(table, writerPort, readerPort);
            Optional<SocketRow> r = find(table, readerPort, writerPort);
            if (w.isPresent() && r.isPresent()) {
                long[] now = {written.getAsLong(), w.get().txQueue(), r.get().rxQueue()};
                if (now[0] != last[0] || now[1] != last[1] || now[2] != last[2]) {
                    System.arraycopy(now, 0, last, 0, 3);
                    since = System.nanoTime();
                } else if (now[1] + now[2] > 0 && System.nanoTime() - since >= STABLE.toNanos()) {
                    return new Stall(now[0], w.get(), r.get());
                }
            }
            if (done) {
                throw new TimeoutException(Msg.get("StallDetector.finished", written.getAsLong()));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(KernelText.get("await.timeout", "the writer on port " + writerPort
                        + " blocked (queues not growing for " + STABLE.toMillis() + " ms)", String.valueOf(timeout)));
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static Optional<SocketRow> find(List<SocketRow> table, int local, int remote) {
        return table.stream().filter(r -> r.localPort() == local && r.remotePort() == remote).findFirst();
    }
}
