package tcpip.echo.homework;

import java.io.IOException;
import java.net.Socket;
import tcpip.kernel.Descriptors;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;

/**
 * WRONG (test fixture: calls the course's own SocketTable and Descriptors, the answer key, instead of reading
 * /proc itself). Find your own socket in /proc (소켓 생성).
 */
public final class SocketInode {

    /** A socket as the kernel knows it: the descriptor number in this process and the socket's inode. */
    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    /** The fd and inode of a connected {@code socket}, from the course's /proc readers. */
    public static Identity of(Socket socket) throws IOException {
        SocketRow row = SocketTable.connection(socket.getLocalPort(), socket.getPort())
                .orElseThrow(() -> new IOException("no row"));
        Descriptors.Descriptor d = Descriptors.of(row).orElseThrow(() -> new IOException("no descriptor"));
        return new Identity(d.fd(), row.inode());
    }
}
