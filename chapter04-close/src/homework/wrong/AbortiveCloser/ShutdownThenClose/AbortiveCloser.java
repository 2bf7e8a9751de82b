package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;

/**
 * WRONG (test fixture: a graceful close, FIN). end a connection abortively: the kernel sends RST instead of FIN,
 * the peer's next read fails with "Connection reset", and no TIME_WAIT is left behind (소켓 연결 종료).
 */
public final class AbortiveCloser {

    private AbortiveCloser() {
    }

    /** Closes {@code socket} so that the kernel sends RST at once and drops the connection. */
    public static void abort(Socket socket) throws IOException {
        socket.shutdownOutput();
        socket.close();
    }
}
