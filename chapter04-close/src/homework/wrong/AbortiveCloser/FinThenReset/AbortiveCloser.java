package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;

/**
 * WRONG (test fixture: shutdownOutput() first "to flush", then SO_LINGER 0 and close(): the peer reads an end of stream, the FIN, before the RST). end a connection abortively: the kernel sends RST instead of FIN,
 * the peer's next read fails with "Connection reset", and no TIME_WAIT is left behind (소켓 연결 종료).
 */
public final class AbortiveCloser {

    private AbortiveCloser() {
    }

    /** Closes {@code socket} so that the kernel sends RST at once and drops the connection. */
    public static void abort(Socket socket) throws IOException {
        socket.shutdownOutput(); // "flush what was sent first": this is a FIN
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
