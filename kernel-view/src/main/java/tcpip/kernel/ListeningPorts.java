package tcpip.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/** The port another process listens on: its LISTEN row in /proc/net/tcp* whose inode is one of its descriptors. */
public final class ListeningPorts {

    private ListeningPorts() {
    }

    /** The first port process {@code pid} listens on now; empty if none, if it has ended, or off Linux. */
    public static Optional<Integer> of(long pid) {
        if (!SocketTable.available()) {
            return Optional.empty();
        }
        Set<Long> inodes = socketInodes(pid);
        return SocketTable.readPorts((local, remote) -> remote == 0).stream() // a LISTEN row has no peer port
                .filter(r -> r.state() == TcpState.LISTEN && inodes.contains(r.inode()))
                .map(SocketRow::localPort).findFirst();
    }

    /** The socket inodes in /proc/PID/fd ({@code socket:[inode]} links). */
    static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            fds.forEach(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | NumberFormatException ignored) {
                    // closed meanwhile
                }
            });
        } catch (IOException ignored) {
            // the process is gone
        }
        return inodes;
    }
}
