package tcpip.echo.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
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

    /** ::1 rows in /proc/net/tcp6 carry a real IPv6 address, not an IPv4 one in IPv6 clothes. */
    @Test
    @Weight(3)
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
