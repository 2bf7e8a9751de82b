package tcpip.lifecycle.homework;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * WRONG (test fixture: Math.max(1, (int) timeout.toMillis()): under 1 ms becomes 1 ms, but a timeout over 24.8 days overflows the int cast to a tiny or negative number, which the max turns into 1 ms: a 30-day probe of a peer that never answers reports NO_ANSWER at once instead of waiting).
 * Homework: one connect() with a timeout tells three situations apart: a server listens
 * (SYN+ACK), nobody listens (RST), or the SYN got no answer at all (dropped).
 */
public final class ReachabilityProbe {

    /** What one connect() found out. */
    public enum Reachability {
        /** SYN+ACK came back: the kernel on the other side completed the handshake. */
        LISTENING,
        /** RST came back: the machine is there, nobody listens on the port. */
        REFUSED,
        /** Nothing came back before the timeout: the SYN was dropped (e.g. a full accept queue). */
        NO_ANSWER
    }

    /** The finding and how long connect() took to find it. */
    public record Result(Reachability reachability, Duration took) {
    }

    private ReachabilityProbe() {
    }

    /**
     * Connects once to {@code address} with {@code timeout} (any positive length, from under a
     * millisecond to days), closes the socket whatever happened, and reports which of the three
     * situations it met. Other I/O errors (an address that cannot be resolved, say) are thrown.
     */
    public static Result probe(InetSocketAddress address, Duration timeout) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            // connect(): SYN out; SYN+ACK -> returns, RST -> ConnectException, silence -> timeout.
            socket.connect(address, connectMillis(timeout));
            return new Result(Reachability.LISTENING, since(start));
        } catch (ConnectException e) {
            return new Result(Reachability.REFUSED, since(start));
        } catch (SocketTimeoutException e) {
            return new Result(Reachability.NO_ANSWER, since(start));
        }
    }

    /** connect()'s timeout in ms: at least 1, as 0 would mean "wait forever" (the cast overflows past 24.8 days). */
    private static int connectMillis(Duration timeout) {
        return Math.max(1, (int) timeout.toMillis());
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
