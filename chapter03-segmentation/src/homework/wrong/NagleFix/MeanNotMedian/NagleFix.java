package tcpip.segmentation.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

/**
 * WRONG (test fixture: returns the mean of the round trips, not their median: one slow round pulls it far up).
 * Exercise (reference solution): fix the Nagle + delayed-ACK stall of a request sent as two small
 * writes (데이터 송수신: the kernel may hold small writes back to combine them), and measure it.
 */
public final class NagleFix {

    private NagleFix() {
    }

    /**
     * Sends one request, {@code header} then {@code body}, without the stall: here by batching both
     * into ONE write() (TCP_NODELAY would also do, at the cost of one more small segment).
     */
    public static void send(Socket socket, byte[] header, byte[] body) throws IOException {
        byte[] request = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, request, header.length, body.length);
        OutputStream out = socket.getOutputStream();
        out.write(request); // one write: one segment, nothing small left waiting for an ACK
    }

    /**
     * Sends {@code rounds} requests with {@link #send}, each time waiting for the server's 1-byte
     * reply, and returns the median round trip.
     */
    public static Duration medianRoundTrip(Socket socket, byte[] header, byte[] body, int rounds) throws IOException {
        long[] nanos = new long[rounds];
        InputStream in = socket.getInputStream();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            send(socket, header, body);
            if (in.read() == -1) {
                throw new IOException("the server closed after " + i + " replies");
            }
            nanos[i] = System.nanoTime() - start;
        }
        return Duration.ofNanos((long) Arrays.stream(nanos).average().orElse(0)); // "the typical round trip"
    }
}
