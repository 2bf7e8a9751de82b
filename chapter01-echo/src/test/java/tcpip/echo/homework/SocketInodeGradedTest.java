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
