package tcpip.echo.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * WRONG (test fixture: Files.list(/proc/self/fd) without try-with-resources: every call leaves the directory's descriptor open, so the process runs out of descriptors in the end).
 * Exercise (reference solution): find your own socket in /proc: the inode the kernel gave it and
 * the descriptor number your process holds for it (소켓 생성: socket() hands back a number, the fd).
 */
public final class SocketInode {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final Path FDS = Path.of("/proc/self/fd");

    /** A socket as the kernel knows it: the descriptor number in this process and the socket's inode. */
    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    /** The fd and inode of a connected {@code socket}, read from /proc/net/tcp* and /proc/self/fd. */
    public static Identity of(Socket socket) throws IOException {
        long inode = inodeOf(socket.getLocalPort(), socket.getPort());
        for (Path fd : Files.list(FDS).toList()) { // the stream is never closed: its directory descriptor stays open
            try {
                // each entry is a symlink; a socket's reads "socket:[INODE]"
                if (Files.readSymbolicLink(fd).toString().equals("socket:[" + inode + "]")) {
                    return new Identity(Integer.parseInt(fd.getFileName().toString()), inode);
                }
            } catch (IOException e) {
                // this descriptor was closed while we looked
            }
        }
        throw new IOException("no descriptor of this process points at socket inode " + inode);
    }

    /** The inode column of the row whose local AND remote ports are this connection's. */
    private static long inodeOf(int localPort, int remotePort) throws IOException {
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> rows = Files.readAllLines(table);
            for (String line : rows.subList(1, rows.size())) { // the first line is the header
                String[] f = line.trim().split("\\s+");
                if (port(f[1]) == localPort && port(f[2]) == remotePort) {
                    return Long.parseLong(f[9]);
                }
            }
        }
        throw new IOException("no row for local port " + localPort + " and remote port " + remotePort);
    }

    /** "0100007F:1B5F" -> 0x1B5F: the port after the colon, in hex. */
    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
