package tcpip.echo.homework;

import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.Descriptors;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades SocketInode against the course's own /proc reader (tcpip.kernel) for several sockets at once. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@ExtendWith(TodoHint.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SocketInodeGradedTest {

    /** Points in the score table. */
    static final int POINTS = 6;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(SocketInode.class)
            .forbid("tcpip.kernel", "read /proc/net/tcp* and /proc/self/fd yourself");

    @Test
    void findsTheClientSocket() throws Exception {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket served = listener.accept()) {
            assertSameAsKernel(client, "the client's socket");
        }
    }

    @Test
    void findsAnAcceptedSocketAmongItsListenerAndItsSiblings() throws Exception {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Socket first = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket firstServed = listener.accept();
                Socket second = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket secondServed = listener.accept()) {
            assertSameAsKernel(secondServed, "an accepted socket: its local port is the listener's, shared by the"
                    + " LISTEN row and every accepted connection, so match the remote port too");
            assertSameAsKernel(firstServed, "the first accepted socket");
        }
    }

    /**
     * ::1 rows in /proc/net/tcp6 carry a real IPv6 address, not an IPv4 one in IPv6 clothes. Weighted so that a reader
     * that misses every IPv6 row keeps at most half of the points.
     */
    @Test
    @Weight(6)
    void findsSocketsOnTheIpv6Loopback() throws Exception {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket listener = new ServerSocket(0, 5, v6);
                Socket client = new Socket(v6, listener.getLocalPort());
                Socket served = listener.accept()) {
            assertSameAsKernel(client, "the client's socket on ::1 (its row's address is 000...01000000, not 127.0.0.1)");
            assertSameAsKernel(served, "the accepted socket on ::1");
        }
    }

    /**
     * A channel opened for IPv4 only (StandardProtocolFamily.INET) is an AF_INET socket: its row is in /proc/net/tcp,
     * not tcp6 (only the JDK's default dual-stack sockets are in tcp6, even for 127.0.0.1).
     */
    @Test
    @Weight(3)
    void findsAnIpv4OnlySocketInProcNetTcp() throws Exception {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
                SocketChannel served = connectAndAccept(listener, client)) {
            assertSameAsKernel(client.socket(), "an IPv4-only client socket (AF_INET: its row is in /proc/net/tcp, not tcp6)");
            assertSameAsKernel(served.socket(), "the IPv4-only accepted socket (in /proc/net/tcp)");
        }
    }

    /** Files.list() holds the directory open until its stream is closed: each call must close it (try-with-resources). */
    @Test
    void leavesNoDescriptorOpenBehindItself() throws Exception {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket served = listener.accept()) {
            long before = descriptorsOfOurFdDirectory();
            for (int i = 0; i < CALLS; i++) {
                Within.call(Duration.ofSeconds(3), "SocketInode.of", () -> SocketInode.of(client));
            }
            long left = descriptorsOfOurFdDirectory() - before;
            assertThat(left).as("descriptors of /proc/self/fd itself still open after %d calls of SocketInode.of: a"
                    + " directory listing (Files.list, Files.newDirectoryStream) stays open until it is closed; close it"
                    + " in every call (try-with-resources), or the process runs out of descriptors", CALLS)
                    .isLessThan(CALLS / 2);
        }
    }

    private static final int CALLS = 20;

    /** This process's descriptors that point at its own /proc/PID/fd directory (what listing it opens). */
    private static long descriptorsOfOurFdDirectory() {
        String ours = "/proc/" + ProcessHandle.current().pid() + "/fd";
        return Descriptors.list().stream().filter(d -> d.target().equals(ours)).count();
    }

    private static SocketChannel connectAndAccept(ServerSocketChannel listener, SocketChannel client) throws Exception {
        client.connect(listener.getLocalAddress());
        return Within.call(Duration.ofSeconds(3), "accept", listener::accept);
    }

    private static void assertSameAsKernel(Socket socket, String which) throws Exception {
        SocketRow row = SocketTable.connection(socket.getLocalPort(), socket.getPort()).orElseThrow();
        Descriptors.Descriptor truth = Descriptors.of(row).orElseThrow();
        SocketInode.Identity found = Within.call(Duration.ofSeconds(3), "SocketInode.of", () -> SocketInode.of(socket));
        assertThat(found.inode()).as("inode of %s (the row %s -> %s in /proc/net/tcp*)", which, row.local(), row.remote())
                .isEqualTo(row.inode());
        assertThat(found.fd()).as("fd of %s: the /proc/self/fd entry whose link is socket:[%d]", which, row.inode())
                .isEqualTo(truth.fd());
    }
}
