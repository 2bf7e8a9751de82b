package tcpip.segmentation.nagle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nagle + delayed ACK on the live Linux kernel: write-write-read costs a delayed ACK; TCP_NODELAY does not. */
@Timeout(20)
class NagleTest {

    private static final int REQUESTS = 7;

    @Test
    void writeWriteReadWaitsForTheDelayedAckUnlessNoDelay() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
                "the 40 ms delayed-ACK minimum is Linux's");
        Duration nagle = NagleClient.median(NagleProbe.run(false, REQUESTS));
        Duration nodelay = NagleClient.median(NagleProbe.run(true, REQUESTS));
        assertThat(nagle).as("median with Nagle on (TCP_NODELAY off)").isGreaterThan(Duration.ofMillis(20));
        assertThat(nodelay).as("median with TCP_NODELAY on").isLessThan(Duration.ofMillis(10));
    }
}
