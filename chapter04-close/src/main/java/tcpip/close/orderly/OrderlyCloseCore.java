package tcpip.close.orderly;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** Four way handshake: the active closer's FIN, the passive closer's read() of -1, then its own FIN. */
public final class OrderlyCloseCore {

    /**
     * How long the passive closer waits after read() returned -1 before its own close(). The
     * kernel delays the ACK of a FIN, hoping to send it with our FIN; closing at once usually
     * gives three segments (FIN, FIN+ACK, ACK), waiting gives the article's four.
     */
    public static final Duration SECOND_CLOSER_PAUSE = Duration.ofMillis(50);

    private OrderlyCloseCore() {
    }

    /** Active closer: the side that ends in TIME_WAIT. */
    public static void closeFirst(Socket socket) throws IOException {
        // [close-first]
        socket.close(); // close(): FIN after any unsent data; FIN_WAIT1, FIN_WAIT2 once ACKed, TIME_WAIT after the peer's FIN
        // [/close-first]
    }

    /** Passive closer: returns what read() returned, -1 once the peer's FIN arrived. */
    public static int awaitFin(Socket socket) throws IOException {
        // [await-fin]
        int r = socket.getInputStream().read(); // read() == -1: the peer's FIN arrived; state CLOSE_WAIT
        // [/await-fin]
        return r;
    }

    /** Passive closer, after read() returned -1: waits {@code pause}, then sends its own FIN. */
    public static void closeSecond(Socket socket, Duration pause) throws IOException, InterruptedException {
        // [close-second]
        Thread.sleep(pause); // the subject, not synchronisation: 0 lets the delayed ACK ride on our FIN
        socket.close(); // close(): our FIN; LAST_ACK until it is ACKed, then the row is freed: no TIME_WAIT here
        // [/close-second]
    }
}
