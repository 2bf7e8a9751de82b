package tcpip.lifecycle.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.handshake.HandshakeCore;

/** Three way handshake: a server that never accepts still gets backlog + 1 connections, then timeouts. */
class BacklogTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int CONNECT_TIMEOUT_MS = 300;

    @ParameterizedTest(name = "backlog {0}")
    @ValueSource(ints = {1, 2, 3})
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void backlogNCompletesNPlusOneAndTheNextConnectTimesOut(int backlog) throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        List<Socket> clients = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, backlog, LOOPBACK)) {
            int port = server.getLocalPort();
            for (int i = 0; i <= backlog; i++) {
                Socket client = new Socket();
                clients.add(client);
                client.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MS);
                // The server's end turns ESTABLISHED once the kernel queued it: no accept() involved.
                KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, WAIT);
            }
            assertThat(SocketTable.listener(port).orElseThrow().rxQueue()).as("accept queue with backlog %d", backlog)
                    .isEqualTo(backlog + 1);

            try (Socket next = new Socket()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> next.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MS))
                        .as("the kernel drops SYNs while the accept queue is full")
                        .isInstanceOf(SocketTimeoutException.class);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(tookMs).as("a dropped SYN is only noticed when the timeout runs out")
                        .isGreaterThanOrEqualTo(CONNECT_TIMEOUT_MS - 20);
            }
            assertThat(SocketTable.listener(port).orElseThrow().rxQueue()).isEqualTo(backlog + 1);
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void clientsThatLeftStillHoldTheirQueueSlotsInCloseWait() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        int backlog = 1;
        try (ServerSocket server = BacklogCore.listenWithoutAccepting(new InetSocketAddress(LOOPBACK, 0), backlog)) {
            int port = server.getLocalPort();
            for (int i = 0; i <= backlog; i++) {
                int clientPort;
                try (Socket client = HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port), WAIT)) {
                    clientPort = client.getLocalPort();
                    KernelAwait.await(port, clientPort, TcpState.ESTABLISHED, WAIT);
                } // the client leaves: its FIN turns the queued end into CLOSE_WAIT
                KernelAwait.await(port, clientPort, TcpState.CLOSE_WAIT, WAIT);
            }
            assertThat(SocketTable.listener(port).orElseThrow().rxQueue()).as("left clients still counted")
                    .isEqualTo(backlog + 1);
            assertThatThrownBy(() -> HandshakeCore.connect(new InetSocketAddress(LOOPBACK, port),
                    Duration.ofMillis(CONNECT_TIMEOUT_MS)).close())
                    .as("the next client times out: the queue is full of CLOSE_WAIT connections")
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }
}
