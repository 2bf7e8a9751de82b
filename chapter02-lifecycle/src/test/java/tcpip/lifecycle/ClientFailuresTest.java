package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.lifecycle.creation.SocketCreationProbe;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.lifecycle.refused.ReservedPort;
import tcpip.lifecycle.refused.RetryingConnectClient;
import tcpip.testing.MainRunner;

/** Every client main: a failure is one clear line on stderr and exit 1, never a stack trace or exit 0. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientFailuresTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private static void assertOneLineFailure(MainRunner.Result r, String mentions) {
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
        assertThat(r.stderr().strip().lines()).as("stderr: %s", r.stderr()).hasSize(1);
        assertThat(r.stderr()).contains(mentions).doesNotContain("\tat ");
    }

    @Test
    void everyClientFailsWithOneLineWhenNobodyListens() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            String port = String.valueOf(reserved.port());
            assertOneLineFailure(MainRunner.runHere(LIMIT, HandshakeClient.class, "--port", port), "refused");
            assertOneLineFailure(MainRunner.runHere(LIMIT, SocketCreationProbe.class, "--port", port), "refused");
            assertOneLineFailure(MainRunner.runHere(LIMIT, BufferOptionsClient.class, "--port", port), "refused");
            assertOneLineFailure(MainRunner.runHere(LIMIT, RetryingConnectClient.class, "--port", port,
                    "--deadline", "300ms", "--first-pause", "50ms"), "gave up");
        }
    }

    @Test
    void aTimedOutConnectIsAFailureToo() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            MainRunner.Result r = MainRunner.runHere(LIMIT, HandshakeClient.class, "--port",
                    String.valueOf(full.getLocalPort()), "--connections", "3", "--timeout", "300ms");
            assertOneLineFailure(r, "timed out");
            assertThat(r.stdout()).contains("connection 2: connect() returned");
        }
    }
}
