package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoCore;
import tcpip.echo.blocking.EchoServer;

/**
 * The three ways of serving: thread-per-client and virtual threads serve many clients at once;
 * iterative really serves one at a time (the kernel shows the next client connected but not accepted).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServingModesTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int CLIENTS = 16;
    static final int ROUND_TRIPS = 50;

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"THREAD_PER_CLIENT", "VIRTUAL"})
    void manyClientsAreServedAtTheSameTime(EchoServer.Mode mode) throws Exception {
        try (RunningServer server = RunningServer.start(mode)) {
            CountDownLatch allConnected = new CountDownLatch(CLIENTS);
            CountDownLatch allDone = new CountDownLatch(CLIENTS);
            AtomicInteger correct = new AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                clients.add(Thread.ofVirtual().start(() -> {
                    try (Socket s = EchoClient.connect(server.address(), TIMEOUT)) {
                        byte[] hello = ("client " + id + " first\n").getBytes(StandardCharsets.UTF_8);
                        if (java.util.Arrays.equals(EchoClient.roundTrip(s, hello), hello)) {
                            correct.incrementAndGet();
                        }
                        allConnected.countDown();
                        allConnected.await(); // every client has had an echo and is still connected
                        for (int i = 0; i < ROUND_TRIPS; i++) {
                            byte[] m = ("client " + id + " message " + i + "\n").getBytes(StandardCharsets.UTF_8);
                            if (java.util.Arrays.equals(EchoClient.roundTrip(s, m), m)) {
                                correct.incrementAndGet();
                            }
                        }
                        allDone.countDown();
                        allDone.await(); // keep the connection until everybody finished
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            assertThat(correct.get()).as("correct echoes").isEqualTo(CLIENTS * (ROUND_TRIPS + 1));
            assertThat(server.server.peakOpenConnections())
                    .as("connections the %s server served at the same moment", mode).isEqualTo(CLIENTS);
        }
    }

    @Test
    void iterativeServerServesOneClientAtATime() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (RunningServer server = RunningServer.start(EchoServer.Mode.ITERATIVE);
                Socket first = EchoClient.connect(server.address(), TIMEOUT);
                Socket second = EchoClient.connect(server.address(), TIMEOUT)) {
            int port = server.port();
            assertThat(EchoClient.roundTrip(first, bytes("first, 1\n"))).isEqualTo(bytes("first, 1\n"));

            // The second client's connect() returned: the kernel did the handshake. Its bytes arrive too...
            byte[] waiting = bytes("second\n");
            OutputStream out = second.getOutputStream();
            out.write(waiting);
            SocketRow queued = KernelAwait.awaitRow(port, r -> r.remotePort() == second.getLocalPort()
                    && r.rxQueue() == waiting.length, TIMEOUT, "the second client's bytes in the server's kernel");
            // ...but the server program never accepted it: no descriptor holds its end (inode 0).
            assertThat(queued.inode()).as("inode of the second client's server-side end (0 = not accepted)").isZero();
            assertThat(SocketTable.listener(port).orElseThrow().rxQueue()).as("LISTEN accept queue").isEqualTo(1);

            // The server is busy with the first client, which is still served...
            assertThat(EchoClient.roundTrip(first, bytes("first, 2\n"))).isEqualTo(bytes("first, 2\n"));
            // ...and the second still waits unaccepted, its bytes untouched, after that round trip.
            SocketRow still = SocketTable.connection(port, second.getLocalPort()).orElseThrow();
            assertThat(still.inode()).as("second client's end after the first client's round trip").isZero();
            assertThat(still.rxQueue()).isEqualTo(waiting.length);

            first.close(); // FIN: the server's read() returns -1, it closes and goes back to accept()
            byte[] echo = new byte[waiting.length];
            EchoCore.receive(second, echo);
            assertThat(echo).isEqualTo(waiting);
            assertThat(server.server.peakOpenConnections()).as("connections served at the same moment").isEqualTo(1);
        }
    }

    @Test
    void virtualServerAcceptsTheSecondClientWhileTheFirstStaysConnected() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL);
                Socket first = EchoClient.connect(server.address(), TIMEOUT);
                Socket second = EchoClient.connect(server.address(), TIMEOUT)) {
            int port = server.port();
            assertThat(EchoClient.roundTrip(first, bytes("first\n"))).isEqualTo(bytes("first\n"));
            SocketRow accepted = KernelAwait.awaitRow(port,
                    r -> r.remotePort() == second.getLocalPort() && r.inode() != 0, TIMEOUT,
                    "the second client's end accepted (a descriptor, inode != 0)");
            assertThat(accepted.inode()).isNotZero();
            assertThat(EchoClient.roundTrip(second, bytes("second\n"))).isEqualTo(bytes("second\n"));
            assertThat(first.isClosed()).isFalse();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
