package tcpip.echo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.echo.blocking.EchoClient;
import tcpip.testing.HostilePeer;
import tcpip.testing.HostilePeer.Client;
import tcpip.testing.HostilePeer.Kind;

/**
 * EchoClient ends within --timeout (plus JVM start) against a server that accepts and never reads:
 * an 8 MB line, --ping and --load with --size 8M each block in write() with no read to time out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {

    private static final Duration BOUND = Duration.ofSeconds(10); // --timeout 1s + JVM start, 3 JVMs on 2 cores

    @Test
    void echoClientEndsWithinItsTimeoutWhenTheServerNeverReads() throws Exception {
        try (HostilePeer peer = new HostilePeer(Kind.NEVER_READS)) {
            String p = String.valueOf(peer.port());
            HostilePeer.assertEndsInTime(BOUND, List.of(
                    new Client(EchoClient.class, "a".repeat(8_000_000) + "\n", "--port", p, "--timeout", "1s"),
                    new Client(EchoClient.class, null, "--port", p, "--timeout", "1s", "--ping", "1", "--warmup", "0",
                            "--size", "8M"),
                    new Client(EchoClient.class, null, "--port", p, "--timeout", "1s", "--load", "1", "--requests", "1",
                            "--size", "8M")));
        }
    }
}
