package tcpip.kernel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits until the kernel's socket table shows something: the way tests and demos synchronise
 * with the kernel (never a fixed sleep). Polls /proc every millisecond at first, then every
 * twentieth of the time waited so far, at most every 50 ms (after a second), up to a deadline: a
 * moment seen late by at most 5 % (or 1 ms), and a wait of seconds does not spend seconds of CPU
 * reading /proc (each read walks the kernel's whole connection hash table: about a millisecond
 * even when it lists nothing).
 * Where one read itself takes long (a table of thousands of TIME_WAIT rows), the pause is at least
 * twice that read: a waiting thread never spends more than a third of a core looking.
 */
public final class KernelAwait {

    private static final long FIRST_POLL_NANOS = Duration.ofMillis(1).toNanos();
    private static final long LAST_POLL_NANOS = Duration.ofMillis(50).toNanos();
    private static final int LATE_BY_AT_MOST = 20; // a poll interval is at most 1/20 of the time waited
    private static final int PAUSE_PER_READ = 2; // a pause is at least twice the read before it
    private static final long LONGEST_PAUSE_NANOS = Duration.ofMillis(50).toNanos();

    private KernelAwait() {
    }

    /**
     * Waits until the connection (localPort → remotePort) is in {@code state}.
     *
     * @return the row as the kernel showed it
     * @throws TimeoutException with the rows last seen, if it did not happen in time
     */
    public static SocketRow await(int localPort, int remotePort, TcpState state, Duration timeout)
            throws TimeoutException {
        return awaitConnection(localPort, remotePort, rows -> rows.stream().anyMatch(r -> r.state() == state),
                timeout, "connection " + localPort + " -> " + remotePort + " in " + state)
                .stream().filter(r -> r.state() == state).findFirst().orElseThrow();
    }

    /**
     * Waits until the rows of one connection (localPort → remotePort; none once it is gone) satisfy a
     * condition. Only that connection's rows are decoded on each look, however big the table is.
     */
    public static List<SocketRow> awaitConnection(int localPort, int remotePort, Predicate<List<SocketRow>> condition,
            Duration timeout, String description) throws TimeoutException {
        return poll(() -> SocketTable.connectionRows(localPort, remotePort), condition, timeout, description);
    }

    /** Waits until the rows of both ends of a connection on this machine (a → b and b → a) satisfy a condition. */
    public static List<SocketRow> awaitBothEnds(int portA, int portB, Predicate<List<SocketRow>> condition,
            Duration timeout, String description) throws TimeoutException {
        return poll(() -> SocketTable.bothEnds(portA, portB), condition, timeout, description);
    }

    /**
     * Waits until a row whose local port is {@code localPort} matches (a listener's row, the connections it
     * accepted, or a client's end): only those rows are decoded on each look, however big the table is. The
     * description goes into the timeout message.
     */
    public static SocketRow awaitRow(int localPort, Predicate<SocketRow> condition, Duration timeout,
            String description) throws TimeoutException {
        return poll(() -> SocketTable.withLocalPort(localPort),
                rows -> rows.stream().anyMatch(condition), timeout, description).stream()
                .filter(condition).findFirst().orElseThrow();
    }

    /** Waits until no row of the connection (localPort → remotePort) is left in the table. */
    public static void awaitGone(int localPort, int remotePort, Duration timeout) throws TimeoutException {
        awaitConnection(localPort, remotePort, List::isEmpty, timeout,
                "connection " + localPort + " -> " + remotePort + " gone");
    }

    /** Waits until the whole table satisfies a condition (e.g. an accept queue reaches a length). */
    public static List<SocketRow> awaitTable(Predicate<List<SocketRow>> condition, Duration timeout,
            String description) throws TimeoutException {
        return poll(SocketTable::read, condition, timeout, description);
    }

    /** Reads until the rows satisfy the condition; the pause between reads as the class comment says. */
    private static List<SocketRow> poll(Supplier<List<SocketRow>> read, Predicate<List<SocketRow>> condition,
            Duration timeout, String description) throws TimeoutException {
        requireAvailable();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            long before = System.nanoTime();
            List<SocketRow> rows = read.get();
            if (condition.test(rows)) {
                return rows;
            }
            long now = System.nanoTime();
            if (now - deadline > 0) {
                throw new TimeoutException(KernelText.get("await.timeout", description, String.valueOf(timeout)));
            }
            LockSupport.parkNanos(pauseNanos(now - start, now - before));
        }
    }

    /** The pause before the next look: 1 ms, growing with the time waited to at most 50 ms. */
    static long pauseNanos(long waitedNanos) {
        return Math.min(LAST_POLL_NANOS, Math.max(FIRST_POLL_NANOS, waitedNanos / LATE_BY_AT_MOST));
    }

    /** The same, but at least twice as long as the last read took (at most 50 ms). */
    static long pauseNanos(long waitedNanos, long readNanos) {
        return Math.max(pauseNanos(waitedNanos), Math.min(LONGEST_PAUSE_NANOS, PAUSE_PER_READ * readNanos));
    }

    private static void requireAvailable() {
        if (!SocketTable.available()) {
            throw new UnsupportedOperationException(SocketTable.unavailableMessage());
        }
    }
}
