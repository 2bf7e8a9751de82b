package tcpip.lifecycle.homework;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
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
        throw new UnsupportedOperationException("TODO: connect once with the timeout and close the socket in every case;"
                + " connect() returning means LISTENING, ConnectException (an RST came back) means REFUSED,"
                + " SocketTimeoutException (no answer) means NO_ANSWER; measure how long connect() took");
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
