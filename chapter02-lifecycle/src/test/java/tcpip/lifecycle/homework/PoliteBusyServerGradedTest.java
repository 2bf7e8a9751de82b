package tcpip.lifecycle.homework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades PoliteBusyServer: it reports its accept queue and turns clients away with a BUSY line. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@ExtendWith(TodoHint.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PoliteBusyServerGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(PoliteBusyServer.class)
            .forbid("tcpip.net", "write the accept() and the BUSY reply yourself");

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @BeforeEach
    void linuxOnly() {
        assumeTrue(SocketTable.available() && Descriptors.available(), SocketTable.unavailableMessage());
    }

    /** Connects {@code count} clients and waits until the kernel has queued all of them. */
    private static List<Socket> queue(PoliteBusyServer server, int count) throws Exception {
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket c = new Socket(LOOPBACK, server.port());
            clients.add(c);
            KernelAwait.await(server.port(), c.getLocalPort(), TcpState.ESTABLISHED, WAIT);
        }
        return clients;
    }

    private static String firstLine(Socket client) throws Exception {
        client.setSoTimeout((int) WAIT.toMillis());
        return new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }

    @Test
    void acceptQueueLengthIsWhatTheKernelShows() throws Exception {
        try (PoliteBusyServer server = new PoliteBusyServer(5, 1)) {
            assertThat(server.acceptQueueLength()).as("nobody connected yet: the LISTEN row's rx_queue is 0").isZero();
            List<Socket> clients = queue(server, 3);
            try {
                assertThat(server.acceptQueueLength()).as("three handshakes finished, nobody accepted: read the"
                        + " LISTEN row's rx_queue (SocketTable.listener(port()))").isEqualTo(3);
                server.acceptOne();
                assertThat(server.acceptQueueLength()).as("accept() took one connection off the queue").isEqualTo(2);
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }

    /** The exercise's point: at capacity, a BUSY line with the queue length and a close, not a client left waiting. */
    @Test
    @Weight(2)
    void welcomesUpToCapacityThenSaysBusyWithTheQueueLength() throws Exception {
        try (PoliteBusyServer server = new PoliteBusyServer(5, 1)) {
            List<Socket> clients = queue(server, 3);
            try {
                assertThat(server.acceptOne()).as("first client: capacity 1 is free, so serve it").isTrue();
                assertThat(server.acceptOne()).as("second client: capacity used up, turn it away").isFalse();
                assertThat(server.acceptOne()).as("third client: still full").isFalse();
                assertThat(firstLine(clients.get(0))).isEqualTo(PoliteBusyServer.WELCOME);
                assertThat(firstLine(clients.get(1))).as("after taking the second client one more was queued")
                        .isEqualTo(PoliteBusyServer.BUSY + " 1");
                assertThat(firstLine(clients.get(2))).isEqualTo(PoliteBusyServer.BUSY + " 0");
                assertThat(clients.get(1).getInputStream().read())
                        .as("a turned-away client must be closed (its read() sees the server's FIN)").isEqualTo(-1);
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void closeLeavesNoDescriptorBehind() throws Exception {
        List<Descriptor> before = Descriptors.tcpSockets();
        List<Socket> clients;
        try (PoliteBusyServer server = new PoliteBusyServer(5, 2)) {
            clients = queue(server, 3);
            for (int i = 0; i < 3; i++) {
                server.acceptOne();
            }
        }
        for (Socket c : clients) {
            c.close();
        }
        assertThat(Descriptors.newTcpSockets(before)).as("served and turned-away connections and the listening"
                + " socket must all be closed").isEmpty();
    }

    /**
     * A client that gives up while it waits in the accept queue: its RST makes the kernel drop the connection's row,
     * but accept() still returns its socket, and writing to it fails. That socket must be closed all the same.
     */
    @Test
    void aClientThatLeftWhileQueuedIsClosedNotLeaked() throws Exception {
        List<Descriptor> before = Descriptors.tcpSockets();
        try (PoliteBusyServer server = new PoliteBusyServer(5, 1)) {
            Socket gone = new Socket(LOOPBACK, server.port());
            int port = gone.getLocalPort();
            KernelAwait.await(server.port(), port, TcpState.ESTABLISHED, WAIT);
            gone.setSoLinger(true, 0);
            gone.close(); // RST: the queued connection is reset before anyone accepted it
            KernelAwait.awaitGone(server.port(), port, WAIT);
            try {
                server.acceptOne(); // the WELCOME write meets the reset
            } catch (IOException expected) {
                // the client left: telling the caller is fine, leaving its socket open is not
            }
        }
        assertThat(Descriptors.newTcpSockets(before)).as("descriptors left after close(): the accepted socket of a client"
                + " that had already reset (its write failed) must be closed too, on the failure path as well").isEmpty();
    }
}
