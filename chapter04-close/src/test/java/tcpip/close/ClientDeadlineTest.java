package tcpip.close;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.close.reset.LingerClient;
import tcpip.close.timewait.TimeWaitClient;
import tcpip.testing.HostilePeer;
import tcpip.testing.HostilePeer.Client;
import tcpip.testing.HostilePeer.Kind;

/**
 * LingerClient and TimeWaitClient end within --timeout however the server keeps them reading: one
 * that sends endlessly, one that trickles a byte every 200 ms (never silent for a read timeout).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientDeadlineTest {

    private static final Duration BOUND = Duration.ofSeconds(10); // --timeout 1s + JVM start, 3 at once

    @Test
    void readersEndWithinTheirTimeoutWhenTheServerNeverStops() throws Exception {
        try (HostilePeer endless = new HostilePeer(Kind.ENDLESS); HostilePeer trickle = new HostilePeer(Kind.TRICKLES)) {
            String e = String.valueOf(endless.port());
            String t = String.valueOf(trickle.port());
            HostilePeer.assertEndsInTime(BOUND, List.of(
                    new Client(LingerClient.class, null, "--port", e, "--timeout", "1s"),
                    new Client(LingerClient.class, null, "--port", t, "--timeout", "1s"),
                    new Client(TimeWaitClient.class, null, "--port", t, "--timeout", "1s", "--count", "1")));
        }
    }
}
