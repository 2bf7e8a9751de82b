package tcpip.close.reset;

import java.io.IOException;
import java.net.Socket;

/** 소켓 연결 종료 seen from the side that keeps writing: after the peer's FIN, write() works once, then EPIPE. */
public final class ClosedPeerCore {

    private ClosedPeerCore() {
    }

    /** read() on a connection the peer closed: -1 (its FIN), or an exception after its RST. */
    public static int read(Socket socket) throws IOException {
        // [read-fin]
        return socket.getInputStream().read(); // read() == -1: the peer's FIN; we are in CLOSE_WAIT
        // [/read-fin]
    }

    /** The first write after the peer's FIN: the kernel takes the bytes, the peer's kernel answers RST. */
    public static void writeFirst(Socket socket, byte[] data) throws IOException {
        // [write-first]
        socket.getOutputStream().write(data); // write(): only copies into the send buffer, so it succeeds;
        // the peer has no program for them any more, so its kernel answers the data with RST
        // [/write-first]
    }

    /** The write after that RST arrived: fails with EPIPE ("Broken pipe"). */
    public static void writeAfterReset(Socket socket, byte[] data) throws IOException {
        // [write-after-rst]
        socket.getOutputStream().write(data); // write(): EPIPE, the RST ended the connection (Linux reports EPIPE in CLOSE_WAIT)
        // [/write-after-rst]
    }

    /** Server side: close() while the client's bytes sit unread in our receive buffer. */
    public static void closeUnread(Socket socket) throws IOException {
        // [close-unread]
        socket.close(); // java.net.Socket: shutdown(SHUT_WR) = FIN first; close(2) with unread data = RST, not FIN
        // [/close-unread]
    }
}
