package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Descriptors;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.lifecycle.backlog.BacklogCore;
import tcpip.lifecycle.backlog.NonAcceptingServer;
import tcpip.lifecycle.handshake.HandshakeServer;
import tcpip.lifecycle.options.EarlyOptionsServer;
import tcpip.lifecycle.options.OptionsCore;
import tcpip.narration.Narrator;
import tcpip.net.Closeables;

/**
 * Every server of the chapter survives 2,000 clients that connect and reset at once (SO_LINGER 0:
 * close() sends RST), then serves a normal client, and holds no more descriptors than before.
 */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class ResetStormTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int STORM = 2_000;
    private static final int STORM_BACKLOG = 4_096;
    /**
     * The servers' --backlog here: room for the whole storm, so no SYN is dropped and no client
     * waits a second for its SYN retry (the defaults, 1,024, let a 2,000-client burst overflow once).
     */
    private static final int SERVER_BACKLOG = STORM_BACKLOG;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final Narrator quiet = new Narrator(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    /** Connects and resets {@code count} times; returns how many connected. */
    private static int resetStorm(int port) throws Exception {
        int connected = 0;
        for (int i = 0; i < STORM; i++) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LOOPBACK, port), CONNECT_TIMEOUT_MS);
                s.setSoLinger(true, 0); // close() now sends RST instead of FIN
                connected++;
            }
        }
        return connected;
    }

    private static int tcpDescriptors() {
        return Descriptors.tcpSockets().size();
    }

    private static void awaitDescriptorsBackTo(int baseline) throws Exception {
        KernelAwait.awaitTable(rows -> tcpDescriptors() <= baseline, WAIT, "TCP descriptors back to " + baseline);
        assertThat(tcpDescriptors()).as("descriptors after the storm").isLessThanOrEqualTo(baseline); // sockets left from earlier tests in this JVM may close meanwhile
    }

    @Test
    void handshakeServerSurvivesAndServesTheNextClient() throws Exception {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
        ServerSocket server = HandshakeServer.listener(quiet, new InetSocketAddress(LOOPBACK, 0), SERVER_BACKLOG, 5);
        // A cap above the storm: a client over the cap is closed at once, which the served client below
        // could not tell from being served (both read -1), and handlers may still be closing reset connections.
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Thread serving = Thread.ofPlatform().start(() -> HandshakeServer.serve(n, server,
                new HandshakeServer.Settings(STORM + 1, Duration.ofSeconds(5), 5)));
        try {
            int baseline = tcpDescriptors();
            assertThat(resetStorm(server.getLocalPort())).isEqualTo(STORM);
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                client.setSoTimeout((int) WAIT.toMillis());
                OutputStream out = client.getOutputStream();
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput(); // FIN: the server reads to -1 and closes its end
                assertThat(client.getInputStream().read()).as("served: the server read to the end and closed").isEqualTo(-1);
            }
            // The handler printed its line before it closed, so it is there once read() saw the FIN.
            assertThat(printed.toString(StandardCharsets.UTF_8)).as("the served client's line")
                    .containsPattern("client #\\d+ closed after sending 5 bytes");
            assertThat(serving.isAlive()).as("the accept loop still runs").isTrue();
            awaitDescriptorsBackTo(baseline);
        } finally {
            Closeables.closeQuietly(server);
            serving.join(WAIT.toMillis());
        }
    }

    @Test
    void earlyOptionsServerSurvivesAndServesTheNextClient() throws Exception {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
        ServerSocket server = OptionsCore.listen(new InetSocketAddress(LOOPBACK, 0), true, 0, SERVER_BACKLOG);
        Thread serving = Thread.ofPlatform().start(() -> EarlyOptionsServer.serve(quiet, server,
                new EarlyOptionsServer.Settings(0, EarlyOptionsServer.RcvbufOn.LISTENER, 0)));
        try {
            int baseline = tcpDescriptors();
            assertThat(resetStorm(server.getLocalPort())).isEqualTo(STORM);
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                client.setSoTimeout((int) WAIT.toMillis());
                InputStream in = client.getInputStream();
                assertThat(in.readAllBytes()).as("the reply, then the server's FIN").isEqualTo(EarlyOptionsServer.REPLY);
            }
            assertThat(serving.isAlive()).as("the accept loop still runs").isTrue();
            awaitDescriptorsBackTo(baseline);
        } finally {
            Closeables.closeQuietly(server);
            serving.join(WAIT.toMillis());
        }
    }

    @Test
    void nonAcceptingServerSurvivesAndTheNextClientStillConnects() throws Exception {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
        CountDownLatch stop = new CountDownLatch(1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try (ServerSocket server = BacklogCore.listenWithoutAccepting(new InetSocketAddress(LOOPBACK, 0), STORM_BACKLOG)) {
            Thread watching = Thread.ofPlatform().start(() -> {
                try {
                    NonAcceptingServer.watch(n, server, STORM_BACKLOG, 3, WAIT.multipliedBy(3), stop);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            int baseline = tcpDescriptors();
            assertThat(resetStorm(server.getLocalPort())).isEqualTo(STORM);
            try (Socket client = new Socket()) {
                client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), CONNECT_TIMEOUT_MS);
                assertThat(client.isConnected()).as("the kernel still completes handshakes").isTrue();
            }
            assertThat(watching.isAlive()).isTrue();
            stop.countDown();
            watching.join(WAIT.toMillis());
            awaitDescriptorsBackTo(baseline);
        }
        // Reset connections stay in the accept queue (counted) but have no row: the rows printed stay capped.
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().count()).as("printed lines").isLessThan(2_000);
    }
}
