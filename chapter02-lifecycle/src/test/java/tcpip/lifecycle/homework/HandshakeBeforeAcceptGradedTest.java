package tcpip.lifecycle.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.TcpState;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades HandshakeBeforeAccept: its evidence must come from before accept() and from the server's side. */
@ExtendWith(TodoHint.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HandshakeBeforeAcceptGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(HandshakeBeforeAccept.class);

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(3);

    @BeforeEach
    void linuxOnly() {
        assumeTrue(tcpip.kernel.SocketTable.available(), tcpip.kernel.SocketTable.unavailableMessage());
    }

    /** The exercise's point (the server's side, read before accept()): weighted so that missing it keeps under half. */
    @Test
    @Weight(3)
    void theServerSideIsEstablishedAndQueuedBeforeAccept() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, LOOPBACK);
                Socket client = new Socket(LOOPBACK, listener.getLocalPort())) {
            HandshakeBeforeAccept.Evidence e = Within.call(Duration.ofSeconds(5), "observe",
                    () -> HandshakeBeforeAccept.observe(listener, client.getLocalPort(), WAIT));
            try (Socket accepted = e.accepted()) {
                assertThat(e.serverSideRow().localPort()).as("the row's LOCAL port: the server's side of the connection"
                        + " has the listener's port %d (the client's side has %d)", listener.getLocalPort(),
                        client.getLocalPort()).isEqualTo(listener.getLocalPort());
                assertThat(e.serverSideRow().remotePort()).as("the row's remote port: the client's").isEqualTo(client.getLocalPort());
                assertThat(e.serverSideRow().state()).as("state of the server's side before accept()").isEqualTo(TcpState.ESTABLISHED);
                assertThat(e.serverSideRow().inode()).as("inode of the server's side: 0 while no program holds it, i.e."
                        + " the row was read BEFORE accept() gave the program a socket").isZero();
                assertThat(e.acceptQueue()).as("accept-queue length (LISTEN row rx_queue) before accept(): the finished"
                        + " connection waits there").isEqualTo(1);
                assertThat(accepted.getPort()).as("accept() returns that very connection").isEqualTo(client.getLocalPort());
            }
        }
    }

    @Test
    void threeFinishedHandshakesWaitInTheQueue() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, LOOPBACK);
                Socket first = new Socket(LOOPBACK, listener.getLocalPort());
                Socket second = new Socket(LOOPBACK, listener.getLocalPort());
                Socket third = new Socket(LOOPBACK, listener.getLocalPort())) {
            tcpip.kernel.KernelAwait.await(listener.getLocalPort(), third.getLocalPort(), TcpState.ESTABLISHED, WAIT);
            HandshakeBeforeAccept.Evidence e = Within.call(Duration.ofSeconds(5), "observe",
                    () -> HandshakeBeforeAccept.observe(listener, first.getLocalPort(), WAIT));
            try (Socket accepted = e.accepted()) {
                assertThat(e.acceptQueue()).as("three clients connected, nobody accepted yet: all three handshakes are"
                        + " finished and queued").isEqualTo(3);
            }
        }
    }

    /** No client ever connects from that port: observe() gives up after the timeout IT was given, and accepts nothing. */
    @Test
    void aClientThatNeverConnectedEndsInATimeoutExceptionAfterTheTimeoutGiven() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 5, LOOPBACK);
                ServerSocket elsewhere = new ServerSocket(0, 1, LOOPBACK)) { // its port: one no client of listener uses
            int noClient = elsewhere.getLocalPort();
            Duration timeout = Duration.ofMillis(300);
            long start = System.nanoTime();
            try {
                HandshakeBeforeAccept.Evidence e = Within.call(Duration.ofSeconds(4), "observe of a client that never"
                        + " connected, with a 300 ms timeout", () -> HandshakeBeforeAccept.observe(listener, noClient, timeout));
                if (e.accepted() != null) {
                    e.accepted().close();
                }
                fail("observe() returned %s although no client on port %d ever connected: throw TimeoutException", e,
                        noClient);
            } catch (TimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time until observe() gave up with a 300 ms"
                        + " timeout: pass the timeout it was given to the wait for the row").isLessThan(Duration.ofSeconds(2));
            }
        }
    }
}
