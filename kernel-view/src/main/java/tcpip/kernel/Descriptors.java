package tcpip.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This process's file descriptors from /proc/self/fd: the "number tag" (번호표) the article's
 * 소켓 생성 section says the kernel hands back for a socket. A socket's link reads
 * {@code socket:[inode]}, and the inode is the one in the socket table row.
 */
public final class Descriptors {

    /** Where Linux lists the calling process's descriptors. */
    public static final Path FD_DIR = Path.of("/proc/self/fd");
    private static final Path UNIX_TABLE = Path.of("/proc/net/unix");
    private static final Pattern SOCKET_LINK = Pattern.compile("socket:\\[(\\d+)]");

    private Descriptors() {
    }

    /** One open descriptor. {@code socketInode} is 0 if it is not a socket. */
    public record Descriptor(int fd, String target, long socketInode) {
        public boolean isSocket() {
            return socketInode != 0;
        }

        @Override
        public String toString() {
            return "fd " + fd + " -> " + target;
        }
    }

    /** True when /proc/self/fd exists (Linux). */
    public static boolean available() {
        return Files.isDirectory(FD_DIR);
    }

    /** Every open descriptor of this process, lowest number first; empty without /proc. */
    public static List<Descriptor> list() {
        List<Descriptor> out = new ArrayList<>();
        if (!available()) {
            return out;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FD_DIR)) {
            for (Path p : dir) {
                String target;
                try {
                    target = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // closed while we looked (e.g. the directory stream's own fd)
                }
                Matcher m = SOCKET_LINK.matcher(target);
                out.add(new Descriptor(Integer.parseInt(p.getFileName().toString()), target,
                        m.matches() ? Long.parseLong(m.group(1)) : 0));
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparingInt(Descriptor::fd));
        return out;
    }

    /** The socket descriptors of this process. */
    public static List<Descriptor> sockets() {
        return list().stream().filter(Descriptor::isSocket).toList();
    }

    /**
     * The socket descriptors that may be TCP: every socket whose inode is not an AF_UNIX socket
     * (the JDK opens one AF_UNIX socket of its own at first network use). A TCP socket that is
     * neither bound nor connected has no row in /proc/net/tcp yet, so the unix table is the test.
     */
    public static List<Descriptor> tcpSockets() {
        Set<Long> unix = unixInodes();
        return sockets().stream().filter(d -> !unix.contains(d.socketInode())).toList();
    }

    /** The TCP socket descriptors opened since {@code before} was taken (for "which fd is new?"). */
    public static List<Descriptor> newTcpSockets(List<Descriptor> before) {
        Set<Long> old = new HashSet<>();
        before.forEach(d -> old.add(d.socketInode()));
        return tcpSockets().stream().filter(d -> !old.contains(d.socketInode())).toList();
    }

    /** The descriptor that holds the socket with this inode, if this process holds it. */
    public static Optional<Descriptor> ofInode(long inode) {
        if (inode == 0) {
            return Optional.empty();
        }
        return sockets().stream().filter(d -> d.socketInode() == inode).findFirst();
    }

    /** The descriptor of this process's socket that appears in the table as {@code row}. */
    public static Optional<Descriptor> of(SocketRow row) {
        return ofInode(row.inode());
    }

    private static Set<Long> unixInodes() {
        Set<Long> inodes = new HashSet<>();
        if (!Files.isReadable(UNIX_TABLE)) {
            return inodes;
        }
        try {
            List<String> lines = Files.readAllLines(UNIX_TABLE);
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length >= 7) {
                    inodes.add(Long.parseLong(f[6]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return inodes;
        }
        return inodes;
    }
}
