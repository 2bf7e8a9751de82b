package tcpip.segmentation.homework;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;

/**
 * Exercise: fix the Nagle + delayed-ACK stall of a request sent as two small writes (데이터 송수신:
 * the kernel may hold small writes back to combine them), and measure it.
 *
 * <p>The client below writes a header, then a body, then waits for a 1-byte reply. With Nagle on,
 * the body may not leave while the header is unacknowledged; the server's kernel delays its ACK
 * hoping to send it with a reply, and the reply needs the body: each request waits for the
 * delayed-ACK timer. Two fixes exist: send the request in one write(), or set TCP_NODELAY. Pick
 * one, and say in a comment why you prefer it.
 *
 * <pre>{@code
 * out.write(header);   // leaves at once: nothing is in flight
 * out.write(body);     // held back: the header is not acknowledged yet
 * in.read();           // the reply comes only after the delayed ACK freed the body
 * }</pre>
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation NagleFix}
 */
public final class NagleFix {

    private NagleFix() {
    }

    /** Sends one request, {@code header} then {@code body}, without the stall. */
    public static void send(Socket socket, byte[] header, byte[] body) throws IOException {
        OutputStream out = socket.getOutputStream();
        // TODO: this is the stalling version; fix it (one write, or TCP_NODELAY).
        throw new UnsupportedOperationException("TODO: send header and body without the Nagle + delayed-ACK stall");
    }

    /**
     * Sends {@code rounds} requests with {@link #send}, each time waiting for the server's 1-byte
     * reply, and returns the median round trip.
     */
    public static Duration medianRoundTrip(Socket socket, byte[] header, byte[] body, int rounds) throws IOException {
        throw new UnsupportedOperationException("TODO: time send() + reading the 1-byte reply, rounds times; return the median");
    }
}
