package tcpip.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.testing.HostilePeer;
import tcpip.testing.HostilePeer.Client;
import tcpip.testing.HostilePeer.Kind;

/** BufferOptionsClient reads at most 1 KiB of reply for at most 5 s in all: a server trickling a byte at a time ends it too. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {

    private static final Duration BOUND = Duration.ofSeconds(14); // its 5 s + JVM start and the ss/kernel lookups

    @Test
    void bufferOptionsClientEndsWithinItsReplyDeadlineWhenTheServerTrickles() throws Exception {
        try (HostilePeer peer = new HostilePeer(Kind.TRICKLES)) {
            HostilePeer.assertEndsInTime(BOUND, List.of(
                    new Client(BufferOptionsClient.class, null, "--port", String.valueOf(peer.port()))));
        }
    }
}
