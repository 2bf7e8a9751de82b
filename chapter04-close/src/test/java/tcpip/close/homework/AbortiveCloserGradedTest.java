package tcpip.close.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades AbortiveCloser: the peer sees "Connection reset", and the kernel keeps nothing of the connection. */
@ExtendWith(TodoHint.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AbortiveCloserGradedTest {

    /** Points in the score table. */
    static final int POINTS = 6;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(AbortiveCloser.class);

    /** The RST the peer sees is the exercise's point: an abort that first sends a FIN keeps at most a third. */
    @Test
    @Weight(2)
    void thePeerSeesConnectionResetNotAnEndOfStream() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            client.setSoTimeout(3_000);
            Within.run(Duration.ofSeconds(3), "abort", () -> AbortiveCloser.abort(server));
            assertThat(server.isClosed()).as("abort() closes the socket").isTrue();
            try {
                int got = client.getInputStream().read();
                fail("the peer's read() returned %s: %s", got, got == -1
                        ? "an end of stream, i.e. a FIN; an abortive close sends RST (SO_LINGER on, timeout 0)"
                        : "a byte");
            } catch (SocketException expected) {
                assertThat(expected.getMessage()).as("the peer's read() after an RST").containsIgnoringCase("reset");
            }
        }
    }

    @Test
    void noTimeWaitNorFinWaitIsLeftBehind() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket server = listener.accept()) {
            int serverPort = server.getLocalPort();
            int clientPort = server.getPort();
            Within.run(Duration.ofSeconds(3), "abort", () -> AbortiveCloser.abort(server));
            try {
                KernelAwait.awaitGone(serverPort, clientPort, Duration.ofSeconds(1));
            } catch (TimeoutException e) {
                fail("the closed side is still in /proc/net/tcp: %s. A FIN close leaves FIN_WAIT/TIME_WAIT behind;"
                        + " after RST the kernel forgets the connection at once",
                        SocketTable.connection(serverPort, clientPort).map(r -> r.state().toString()).orElse("?"));
            }
        }
    }
}
