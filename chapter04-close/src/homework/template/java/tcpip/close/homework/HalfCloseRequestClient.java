package tcpip.close.homework;

import java.io.IOException;
import java.time.Duration;

/** Homework: a request/response client whose request ends with a half-close (FIN), not with a length or a delimiter. */
public final class HalfCloseRequestClient {

    private HalfCloseRequestClient() {
    }

    /**
     * Sends {@code request}, marks its end with shutdownOutput(), and returns the whole response:
     * everything the server sends until its FIN (read() == -1), decoded as UTF-8. The socket is closed
     * on every path, a timeout included.
     *
     * <p>Steps: connect with the timeout; setSoTimeout(timeout); write the request as UTF-8;
     * shutdownOutput() so the server's read() returns -1 while your direction to read stays open;
     * read until -1 (one read() is not enough for a large response); close.
     *
     * @param timeout connect deadline and the longest silence while reading
     */
    public static String request(String host, int port, String request, Duration timeout) throws IOException {
        throw new UnsupportedOperationException("TODO: send the request, shutdownOutput(), read the response until -1");
    }
}
