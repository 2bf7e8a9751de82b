package tcpip.echo.homework;

import java.io.IOException;
import java.net.Socket;

/**
 * Exercise: find your own socket in /proc: the inode the kernel gave it and the descriptor number
 * your process holds for it (소켓 생성: socket() hands back a number, the fd).
 *
 * <p>Read the files yourself with java.nio.file (the point is to see them): /proc/net/tcp (IPv4
 * sockets) and /proc/net/tcp6 (IPv6 sockets, which include the JDK's usual dual-stack ones) have one row per TCP socket (columns: sl, local_address, rem_address, st, ...,
 * inode is the 10th column; an address is HEXIP:HEXPORT); /proc/self/fd has one symlink per
 * descriptor, and a socket's link reads {@code socket:[INODE]}.
 *
 * <p>Grade it: {@code ./homework grade chapter01-echo SocketInode}
 */
public final class SocketInode {

    /** A socket as the kernel knows it: the descriptor number in this process and the socket's inode. */
    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    /**
     * The fd and inode of a connected {@code socket}, read from /proc/net/tcp* and /proc/self/fd. A directory
     * listing (Files.list) holds a descriptor of its own until it is closed: close it on every call.
     */
    public static Identity of(Socket socket) throws IOException {
        // TODO 1: find the row whose local port is socket.getLocalPort() and remote port is socket.getPort(): its inode.
        // TODO 2: find the entry of /proc/self/fd whose link reads socket:[inode]: its file name is the fd.
        throw new UnsupportedOperationException("TODO: find the socket's row in /proc/net/tcp*, then its fd in /proc/self/fd");
    }
}
