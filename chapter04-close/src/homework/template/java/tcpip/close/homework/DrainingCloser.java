package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

/** Homework: close a server's connection gracefully: FIN first, read what the client still sends, then close. */
public final class DrainingCloser {

    private DrainingCloser() {
    }

    /**
     * Ends a connection without an RST: shutdownOutput() (our FIN: the client reads -1), then read
     * and discard whatever the client still sends until its FIN or until {@code deadline} passes,
     * then close(). Closing with unread bytes would make Linux send RST instead. The socket is closed
     * on every path, also when the client resets it halfway (the IOException may then go to the caller).
     *
     * <p>Hint: before each read, setSoTimeout() to the time left; a SocketTimeoutException means
     * the deadline passed. Count the bytes you discard.
     *
     * @return how many bytes were read and discarded
     */
    public static long drainAndClose(Socket socket, Duration deadline) throws IOException {
        throw new UnsupportedOperationException("TODO: shutdownOutput(), read and discard until -1 or the deadline, then close()");
    }
}
