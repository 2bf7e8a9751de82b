package tcpip.lifecycle.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.handshake.HandshakeClient.Attempt;
import tcpip.lifecycle.handshake.HandshakeClient.Outcome;
import tcpip.lifecycle.refused.ReservedPort;
import tcpip.narration.Narrator;
import tcpip.testing.MainRunner;

/** The client program: connected, refused (RST) and timed out (silence) told apart and measured. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HandshakeClientTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Narrator narrator = new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8));

    @Test
    void failuresAreSortedByWhatCameBack() {
        assertThat(HandshakeClient.classify(new ConnectException("Connection refused"))).isEqualTo(Outcome.REFUSED);
        // The kernel gave up resending SYNs (ETIMEDOUT): no RST ever came, so this is not "refused".
        assertThat(HandshakeClient.classify(new ConnectException("Connection timed out"))).isEqualTo(Outcome.TIMED_OUT);
        assertThat(HandshakeClient.classify(new SocketTimeoutException("Connect timed out"))).isEqualTo(Outcome.TIMED_OUT);
        assertThat(HandshakeClient.classify(new NoRouteToHostException("No route to host"))).isEqualTo(Outcome.FAILED);
        assertThat(HandshakeClient.classify(new IOException("Network is unreachable"))).isEqualTo(Outcome.FAILED);
    }

    @Test
    void againstANonAcceptingServerWithBacklogOneTwoConnectAndTheThirdTimesOut() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            List<Attempt> attempts = HandshakeClient.connectAll(narrator, "127.0.0.1", server.getLocalPort(), 4,
                    TIMEOUT, Duration.ZERO);
            assertThat(attempts).extracting(Attempt::outcome)
                    .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.TIMED_OUT);
            assertThat(attempts.get(0).localPort()).isNotZero().isNotEqualTo(attempts.get(1).localPort());
            assertThat(attempts.get(2).took()).as("silence lasts the whole timeout")
                    .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(20));
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("ephemeral").contains("accept queue = 2")
                .contains("no SYN+ACK, no RST").contains("sent 1 SYN(s)");
    }

    @Test
    void refusedIsMeasuredAsFarFasterThanTimedOut() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        Attempt refused;
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            List<Attempt> attempts = HandshakeClient.connectAll(narrator, "127.0.0.1", reserved.port(), 3,
                    Duration.ofSeconds(2), Duration.ZERO);
            assertThat(attempts).extracting(Attempt::outcome).containsExactly(Outcome.REFUSED);
            refused = attempts.get(0);
        }
        Attempt timedOut;
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK); Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort())) {
            // backlog 1 holds two finished connections; once both are queued, SYNs are dropped.
            KernelAwait.await(full.getLocalPort(), first.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            List<Attempt> attempts = HandshakeClient.connectAll(narrator, "127.0.0.1", full.getLocalPort(), 1, TIMEOUT,
                    Duration.ZERO);
            timedOut = attempts.get(0);
        }
        assertThat(timedOut.outcome()).isEqualTo(Outcome.TIMED_OUT);
        assertThat(refused.took()).as("RST answers at once; silence lasts the timeout").isLessThan(timedOut.took());
        assertThat(refused.why()).contains("RST");
        assertThat(timedOut.why()).contains("no SYN+ACK, no RST");
    }

    @Test
    void theProgramExitsZeroWhenConnected() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            MainRunner.Result r = MainRunner.run(Duration.ofSeconds(15), HandshakeClient.class,
                    "--port", String.valueOf(server.getLocalPort()));
            assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
            assertThat(r.stdout()).contains("connection 1: connect() returned after").contains("ephemeral");
        }
    }
}
