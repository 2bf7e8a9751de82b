package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.nio.NioEchoServer;

/** Idle clients are closed, the connection cap refuses politely, a resetting client hurts no one, nothing leaks. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerRobustnessTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @ParameterizedTest(name = "{0}")
    @EnumSource(EchoServer.Mode.class)
    void anIdleClientIsClosedAfterTheReadDeadline(EchoServer.Mode mode) throws Exception {
        // The 200 ms deadline is the subject here: the server must close a client that sends nothing.
        try (RunningServer server = RunningServer.start(LOOPBACK, mode, 10, Duration.ofMillis(200));
                Socket idle = EchoClient.connect(server.address(), TIMEOUT)) {
            assertThat(idle.getInputStream().read()).as("read() after the server's deadline: -1 = its FIN").isEqualTo(-1);
            try (Socket next = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(next, bytes("still serving\n"))).isEqualTo(bytes("still serving\n"));
            }
        }
    }

    @Test
    void theNioServerClosesAnIdleClientToo() throws Exception {
        try (NioEchoServer server = NioEchoServer.bind(LOOPBACK, 0, 10, Duration.ofMillis(200), null)) {
            Thread serving = Thread.ofPlatform().start(() -> EchoRoundTripTest.serveQuietly(server));
            try (Socket idle = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(idle.getInputStream().read()).isEqualTo(-1);
            } finally {
                server.close();
                serving.join();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"THREAD_PER_CLIENT", "VIRTUAL"})
    void overTheCapAClientIsToldWhyAndClosed(EchoServer.Mode mode) throws Exception {
        try (RunningServer server = RunningServer.start(LOOPBACK, mode, 1, TIMEOUT);
                Socket served = EchoClient.connect(server.address(), TIMEOUT)) {
            assertThat(EchoClient.roundTrip(served, bytes("in\n"))).isEqualTo(bytes("in\n"));
            try (Socket refused = EchoClient.connect(server.address(), TIMEOUT)) {
                String told = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(told).startsWith("server busy: connection limit 1 reached");
            }
            assertThat(server.server.refusedConnections()).isEqualTo(1);
            assertThat(EchoClient.roundTrip(served, bytes("still in\n"))).isEqualTo(bytes("still in\n"));
        }
    }

    @Test
    void theNioServerRefusesOverTheCapToo() throws Exception {
        try (NioEchoServer server = NioEchoServer.bind(LOOPBACK, 0, 1, TIMEOUT, null)) {
            Thread serving = Thread.ofPlatform().start(() -> EchoRoundTripTest.serveQuietly(server));
            try (Socket served = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(served, bytes("in\n"))).isEqualTo(bytes("in\n"));
                try (Socket refused = EchoClient.connect(server.address(), TIMEOUT)) {
                    assertThat(new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                            .startsWith("server busy");
                }
            } finally {
                server.close();
                serving.join();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EchoServer.Mode.class)
    void aClientThatResetsDoesNotStopTheServer(EchoServer.Mode mode) throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (RunningServer server = RunningServer.start(mode)) {
            int resetPort;
            try (Socket rude = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(rude, bytes("bye\n"))).isEqualTo(bytes("bye\n"));
                rude.setSoLinger(true, 0); // close() now sends RST instead of FIN
                resetPort = rude.getLocalPort();
            }
            // The RST removed the connection at once: no TIME_WAIT, no CLOSE_WAIT left behind.
            KernelAwait.awaitGone(server.port(), resetPort, TIMEOUT);
            try (Socket polite = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(polite, bytes("hello\n"))).isEqualTo(bytes("hello\n"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(EchoServer.Mode.class)
    void theServerClosesItsEndWhenTheClientLeaves(EchoServer.Mode mode) throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (RunningServer server = RunningServer.start(mode)) {
            int clientPort;
            try (Socket client = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(client, bytes("x\n"))).isEqualTo(bytes("x\n"));
                clientPort = client.getLocalPort();
            }
            // A server that forgot close() would leave its end in CLOSE_WAIT, holding a descriptor forever.
            KernelAwait.await(clientPort, server.port(), TcpState.TIME_WAIT, TIMEOUT);
            KernelAwait.awaitGone(server.port(), clientPort, TIMEOUT);
            assertThat(server.server.openConnections()).isZero();
        }
    }

    @Test
    void closingTheServerStopsServeAndDisconnectsClients() throws Exception {
        RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL);
        try (Socket client = EchoClient.connect(server.address(), TIMEOUT)) {
            assertThat(EchoClient.roundTrip(client, bytes("x\n"))).isEqualTo(bytes("x\n"));
            server.close();
            assertThat(server.thread.isAlive()).as("serve() returned after close()").isFalse();
            InputStream in = client.getInputStream();
            assertThat(in.read()).as("the client sees the server's FIN").isEqualTo(-1);
        }
        if (SocketTable.available()) {
            assertThat(SocketTable.listener(server.port())).as("LISTEN row after close()").isEmpty();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
