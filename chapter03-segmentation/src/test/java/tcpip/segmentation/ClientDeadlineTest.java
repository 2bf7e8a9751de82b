package tcpip.segmentation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.segmentation.buffers.BufferSizeClient;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.WriteBurstClient;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.testing.HostilePeer;
import tcpip.testing.HostilePeer.Client;
import tcpip.testing.HostilePeer.Kind;

/**
 * The chapter's writing clients end within --timeout against a server that never reads (a blocked
 * write() is cut), and LineClient within --read-timeout against one that trickles a byte at a time.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {

    private static final Duration BOUND = Duration.ofSeconds(12); // --timeout 1s (+ --duration 1s) + JVM start, 3 at once

    @Test
    void writersEndWithinTheirTimeoutWhenTheServerNeverReads() throws Exception {
        try (HostilePeer peer = new HostilePeer(Kind.NEVER_READS)) {
            String p = String.valueOf(peer.port());
            HostilePeer.assertEndsInTime(BOUND, List.of(
                    new Client(StreamClient.class, null, "--port", p, "--timeout", "1s", "--bytes", "64M"),
                    new Client(BufferSizeClient.class, null, "--port", p, "--timeout", "1s", "--send", "64M"),
                    new Client(WriteBurstClient.class, null, "--port", p, "--timeout", "1s", "--size", "64M")));
            HostilePeer.assertEndsInTime(BOUND, List.of(
                    new Client(BulkSender.class, null, "--port", p, "--timeout", "1s", "--duration", "1s"),
                    new Client(BulkSender.class, null, "--port", p, "--timeout", "1s", "--duration", "1s",
                            "--mode", "transfer-to")));
        }
    }

    @Test
    void lineClientEndsWithinItsReadTimeoutWhenTheServerTrickles() throws Exception {
        try (HostilePeer peer = new HostilePeer(Kind.TRICKLES)) {
            HostilePeer.assertEndsInTime(BOUND, List.of(new Client(LineClient.class, null,
                    "--port", String.valueOf(peer.port()), "--read-timeout", "1s")));
        }
    }
}
