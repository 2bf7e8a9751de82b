package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.ListeningPorts;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.net.AcceptLoop;
import tcpip.testing.MainRunner;

/** The chapter on one screen keeps its word: connected before accept(), and a client that resets costs one line. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LateAcceptTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CONNECTIONS = 3;

    @Test
    void everyConnectReturnsWhileNobodyHasCalledAccept() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = HandshakeCore.listen(new InetSocketAddress(LOOPBACK, 0), AcceptLoop.DEFAULT_BACKLOG)) {
            int port = server.getLocalPort();
            CompletableFuture<MainRunner.Result> client = CompletableFuture.supplyAsync(() -> MainRunner.runHere(WAIT,
                    LateAcceptClient.class, "--port", String.valueOf(port), "--connections", String.valueOf(CONNECTIONS),
                    "--timeout", "20s"), Background.OWN_THREAD);
            // All three handshakes finished, and the connections wait in the accept queue: nobody accepted yet.
            KernelAwait.awaitRow(port, r -> r.state() == TcpState.LISTEN && r.rxQueue() == CONNECTIONS,
                    WAIT, "the client's connections in the accept queue");
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket accepted = HandshakeCore.accept(server)) {
                    accepted.getOutputStream().write(LateAcceptServer.ACCEPTED);
                }
            }
            MainRunner.Result r = client.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.exitCode()).as("exit; stderr %s", r.stderr()).isZero();
            assertThat(r.stdout()).contains("connection 3: connect() returned after")
                    .contains("connection 3: the server's accept() took it");
            assertThat(r.stdout().indexOf("connection 3: connect() returned"))
                    .as("every connect() returned before the first accepted line:%n%s", r.stdout())
                    .isLessThan(r.stdout().indexOf("connection 1: the server's accept()"));
        }
    }

    @Test
    void theServerSurvivesAClientThatResetsAndServesTheNext() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        List<String> command = new ArrayList<>(MainRunner.java());
        command.addAll(List.of(LateAcceptServer.class.getName(), "--port", "0", "--busy", "50ms"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("first line, printed once it listens").startsWith("listening on");
            int port = ListeningPorts.of(p.pid()).orElseThrow();
            InetSocketAddress server = new InetSocketAddress(LOOPBACK, port);
            try (Socket reset = HandshakeCore.connect(server, WAIT)) {
                reset.setSoLinger(true, 0); // close() sends RST: the server's accept() or write() meets a dead connection
            }
            for (int i = 0; i < 2; i++) {
                try (Socket next = HandshakeCore.connect(server, WAIT)) {
                    next.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
                    assertThat(next.getInputStream().readNBytes(LateAcceptServer.ACCEPTED.length))
                            .as("served after the reset").isEqualTo(LateAcceptServer.ACCEPTED);
                }
            }
            assertThat(p.isAlive()).as("the server still runs").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
