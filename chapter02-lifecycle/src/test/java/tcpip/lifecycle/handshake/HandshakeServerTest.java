package tcpip.lifecycle.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.narration.Narrator;

/** The server program: it prints the row each connection had BEFORE accept(), whatever that row was. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HandshakeServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration READ_DEADLINE = Duration.ofMillis(200);

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Narrator narrator = new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8));

    private Thread serveInBackground(ServerSocket server) {
        return Thread.ofPlatform().start(() -> HandshakeServer.serve(narrator, server,
                new HandshakeServer.Settings(10, READ_DEADLINE, 10)));
    }

    @Test
    void aSilentClientIsClosedAtTheReadDeadlineAndTheServerStopsWhenItsSocketCloses() throws Exception {
        ServerSocket server = HandshakeServer.listener(narrator, new InetSocketAddress(LOOPBACK, 0), 5, 10);
        Thread serving = serveInBackground(server);
        try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            client.setSoTimeout((int) WAIT.toMillis());
            assertThat(client.getInputStream().read()).as("the server's FIN after its read deadline").isEqualTo(-1);
        }
        server.close();
        serving.join(WAIT.toMillis());
        assertThat(serving.isAlive()).isFalse();
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("accept() returned client #1")
                .contains("read deadline").contains("server closed");
    }

    @Test
    void aClientTricklingBytesIsCutAtTheWholeConnectionDeadlineAndTheNextIsServed() throws Exception {
        // handshake_hold.sh: two clients sending a byte a second held both slots (--max-connections 2) for ever;
        // --read-timeout alone never fires. Here the read deadline is far longer than the test.
        Duration whole = Duration.ofMillis(1500);
        ServerSocket server = HandshakeServer.listener(narrator, new InetSocketAddress(LOOPBACK, 0), 5, 0, whole);
        Thread serving = Thread.ofPlatform().start(() -> HandshakeServer.serve(narrator, server,
                new HandshakeServer.Settings(1, Duration.ofSeconds(30), 0)));
        try (Socket slow = new Socket(LOOPBACK, server.getLocalPort())) {
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 60 && !cut; i++) { // 6 s of trickling at most; never a FIN
                try {
                    slow.getOutputStream().write('x');
                    Thread.sleep(100); // the client's pace is the subject here, not a synchronisation
                    slow.setSoTimeout(1);
                    cut = slow.getInputStream().read() == -1;
                } catch (java.net.SocketTimeoutException e) {
                    // still open
                } catch (java.io.IOException e) {
                    cut = true; // our write met the server's close (RST)
                }
            }
            Duration held = Duration.ofNanos(System.nanoTime() - start);
            assertThat(cut).as("the trickling client was closed").isTrue();
            assertThat(held).as("how long it held the only slot").isLessThan(whole.plusSeconds(3));
        }
        try (Socket next = new Socket(LOOPBACK, server.getLocalPort())) { // the only slot is free again
            next.setSoTimeout((int) WAIT.toMillis());
            next.getOutputStream().write(new byte[] {1, 2, 3});
            next.shutdownOutput();
            assertThat(next.getInputStream().read()).isEqualTo(-1);
        }
        long end = System.nanoTime() + WAIT.toNanos();
        while (!buffer.toString(StandardCharsets.UTF_8).contains("3 bytes") && System.nanoTime() < end) {
            Thread.sleep(10); // bounded polling of the log the server's thread writes
        }
        server.close();
        serving.join(WAIT.toMillis());
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("request deadline (1500 ms)").contains("3 bytes")
                .doesNotContain("\tat ");
    }

    @Test
    void aQueuedConnectionIsShownAsTheEstablishedRowItWasBeforeAccept() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        ServerSocket server = HandshakeServer.listener(narrator, new InetSocketAddress(LOOPBACK, 0), 5, 10);
        try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            KernelAwait.await(server.getLocalPort(), client.getLocalPort(), TcpState.ESTABLISHED, WAIT);
            Thread serving = serveInBackground(server);
            client.setSoTimeout((int) WAIT.toMillis());
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            server.close();
            serving.join(WAIT.toMillis());
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("read BEFORE accept()")
                .contains("ESTABLISHED before accept() returned").contains("/proc/net/tcp6");
    }

    @Test
    void aClientThatLeftBeforeAcceptIsShownInCloseWaitNotEstablished() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        ServerSocket server = HandshakeServer.listener(narrator, new InetSocketAddress(LOOPBACK, 0), 5, 10);
        try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            int clientPort = client.getLocalPort();
            client.close(); // FIN while the connection waits in the accept queue
            KernelAwait.await(server.getLocalPort(), clientPort, TcpState.CLOSE_WAIT, WAIT);
        }
        Thread serving = serveInBackground(server);
        KernelAwait.awaitRow(server.getLocalPort(), r -> r.state() == TcpState.LISTEN
                && r.rxQueue() == 0, WAIT, "accept queue drained");
        server.close();
        serving.join(WAIT.toMillis());
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("CLOSE_WAIT before accept()").doesNotContain("ESTABLISHED before accept() returned");
    }
}
