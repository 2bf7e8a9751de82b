package tcpip.close.homework;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** WRONG (test fixture: each read gets the time left as (int) Duration.ofNanos(left).toMillis(), which is 0 when under 1 ms is left, and setSoTimeout(0) means "wait forever": with a very short or nearly used-up deadline, a client that never closes holds the server for good). Homework: close a server's connection gracefully: FIN first, read what the client still sends, then close. */
public final class DrainingCloser {

    private static final int BUFSIZE = 8192;

    private DrainingCloser() {
    }

    /**
     * Ends a connection without an RST: shutdownOutput() (our FIN: the client reads -1), then read
     * and discard whatever the client still sends until its FIN or until {@code deadline} passes,
     * then close(). Closing with unread bytes would make Linux send RST instead. The socket is closed
     * on every path, also when the client resets it halfway (the IOException may then go to the caller).
     *
     * @return how many bytes were read and discarded
     */
    public static long drainAndClose(Socket socket, Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        long discarded = 0;
        try (socket) {
            socket.shutdownOutput(); // FIN: our side is done; the client's read() returns -1
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[BUFSIZE];
            while (true) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break; // deadline: close anyway
                }
                socket.setSoTimeout((int) Duration.ofNanos(left).toMillis()); // the time left, in whole ms
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (n == -1) {
                    break; // the client's FIN: nothing unread remains
                }
                discarded += n;
            }
        } // close(): nothing unread, so no RST
        return discarded;
    }
}
