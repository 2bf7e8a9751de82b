package tcpip.kernel;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Waits until the kernel's socket table shows something: the way tests and demos synchronise
 * with the kernel (never a fixed sleep). Polls /proc every millisecond at first, then every
 * twentieth of the time waited so far, at most every 10 ms, up to a deadline: a moment seen late
 * by at most 5 % (or 1 ms), and a wait of seconds does not spend seconds of CPU reading /proc.
 */
public final class KernelAwait {

    private static final long FIRST_POLL_NANOS = Duration.ofMillis(1).toNanos();
    private static final long LAST_POLL_NANOS = Duration.ofMillis(10).toNanos();
    private static final int LATE_BY_AT_MOST = 20; // a poll interval is at most 1/20 of the time waited

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
        return awaitRow(r -> r.localPort() == localPort && r.remotePort() == remotePort && r.state() == state,
                timeout, "connection " + localPort + " -> " + remotePort + " in " + state);
    }

    /** Waits until a row matches; the description goes into the timeout message. */
    public static SocketRow awaitRow(Predicate<SocketRow> condition, Duration timeout, String description)
            throws TimeoutException {
        requireAvailable();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            List<SocketRow> rows = SocketTable.read();
            Optional<SocketRow> hit = rows.stream().filter(condition).findFirst();
            if (hit.isPresent()) {
                return hit.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(KernelText.get("await.timeout", description, String.valueOf(timeout)));
            }
            pause(start);
        }
    }

    /** Waits until no row of the connection (localPort → remotePort) is left in the table. */
    public static void awaitGone(int localPort, int remotePort, Duration timeout) throws TimeoutException {
        awaitTable(rows -> rows.stream().noneMatch(r -> r.localPort() == localPort && r.remotePort() == remotePort),
                timeout, "connection " + localPort + " -> " + remotePort + " gone");
    }

    /** Waits until the whole table satisfies a condition (e.g. an accept queue reaches a length). */
    public static List<SocketRow> awaitTable(Predicate<List<SocketRow>> condition, Duration timeout,
            String description) throws TimeoutException {
        requireAvailable();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            List<SocketRow> rows = SocketTable.read();
            if (condition.test(rows)) {
                return rows;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new TimeoutException(KernelText.get("await.timeout", description, String.valueOf(timeout)));
            }
            pause(start);
        }
    }

    /** The pause before the next look: 1 ms, growing with the time waited to at most 10 ms. */
    static long pauseNanos(long waitedNanos) {
        return Math.min(LAST_POLL_NANOS, Math.max(FIRST_POLL_NANOS, waitedNanos / LATE_BY_AT_MOST));
    }

    private static void pause(long start) {
        LockSupport.parkNanos(pauseNanos(System.nanoTime() - start));
    }

    private static void requireAvailable() {
        if (!SocketTable.available()) {
            throw new UnsupportedOperationException(SocketTable.unavailableMessage());
        }
    }
}
