package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketTable;
import tcpip.lifecycle.HandshakeClient.Attempt;
import tcpip.lifecycle.HandshakeClient.Outcome;
import tcpip.testing.MainRunner;

/** The client program: connected, refused and timed out, each explained. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HandshakeClientTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final Narrator narrator = new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8));

    @Test
    void againstANonAcceptingServerWithBacklogOneTwoConnectAndTheThirdTimesOut() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            List<Attempt> attempts = HandshakeClient.connectAll(narrator, "127.0.0.1", server.getLocalPort(), 4,
                    TIMEOUT, Duration.ZERO);
            assertThat(attempts).extracting(Attempt::outcome)
                    .containsExactly(Outcome.CONNECTED, Outcome.CONNECTED, Outcome.TIMED_OUT);
            assertThat(attempts.get(0).localPort()).isNotZero().isNotEqualTo(attempts.get(1).localPort());
            assertThat(attempts.get(2).took()).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(20));
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("ephemeral").contains("accept queue = 2")
                .contains("our SYN was dropped");
    }

    @Test
    void nobodyListeningIsRefused() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            List<Attempt> attempts = HandshakeClient.connectAll(narrator, "127.0.0.1", reserved.port(), 3,
                    Duration.ofSeconds(2), Duration.ZERO);
            assertThat(attempts).extracting(Attempt::outcome).containsExactly(Outcome.REFUSED);
            assertThat(attempts.get(0).took()).isLessThan(Duration.ofSeconds(1));
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("Connection refused").contains("RST");
    }

    @Test
    void theProgramReportsItsEphemeralPortAndExitsZero() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            MainRunner.Result r = MainRunner.run(Duration.ofSeconds(15), HandshakeClient.class,
                    "--port", String.valueOf(server.getLocalPort()));
            assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
            assertThat(r.stdout()).contains("connection 1: connect() returned after").contains("ephemeral");
        }
    }
}
