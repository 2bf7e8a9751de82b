package tcpip.segmentation.buffers;

import tcpip.kernel.TcpCounters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;
import tcpip.net.LoopbackPair;

/** The window stage reports the TCP counters (nstat's) only where they are its own namespace's, and says what they show. */
@Timeout(20)
class TcpCountersTest {

    @Test
    void countersGrowWithWhatTheKernelDidAndTheStagePrintsTheDeltas() throws Exception {
        TcpCounters before = TcpCounters.read();
        assumeTrue(before.available(), "needs /proc/net/snmp");
        try (LoopbackPair pair = LoopbackPair.open()) {
            assertThat(pair.client().isConnected()).isTrue();
        }
        TcpCounters after = TcpCounters.read();
        assertThat(after.since(before, "TcpActiveOpens")).as("our connect()").isGreaterThanOrEqualTo(1);
        assertThat(after.since(before, "TcpPassiveOpens")).as("our accept()ed connection").isGreaterThanOrEqualTo(1);
        assertThat(after.get("TcpExtTCPLossProbes")).as("a TcpExt counter is read too").isNotNegative();

        ByteArrayOutputStream own = new ByteArrayOutputStream();
        BufferStages.counters(new Narrator(new PrintStream(own, true, StandardCharsets.UTF_8)), before, after, true);
        assertThat(own.toString(StandardCharsets.UTF_8)).containsPattern("TcpRetransSegs +\\+\\d+")
                .containsPattern("TcpExtTCPLossProbes +\\+\\d+")
                .as("what the counters say, computed: nothing resent, or which timers account for it")
                .containsPattern("nothing was resent|account for them|does NOT match")
                .doesNotContain("three duplicate");
        ByteArrayOutputStream hostWide = new ByteArrayOutputStream();
        BufferStages.counters(new Narrator(new PrintStream(hostWide, true, StandardCharsets.UTF_8)), before, after, false);
        assertThat(hostWide.toString(StandardCharsets.UTF_8)).as("the machine's counters count other programs too")
                .contains("not shown").doesNotContain("TcpExtTCPLossProbes");
    }

    @Test
    void everyResendIsAccountedForByTheCountersOrTheLineSaysItDoesNotMatch() {
        assertThat(BufferStages.verdict(0, 0, 0, 0, 0, 0)).contains("nothing was resent");
        assertThat(BufferStages.verdict(3, 2, 1, 0, 0, 3)).contains("account for them").doesNotContain("fast");
        // measured in the unprivileged tour: 7 resent = 3 tail loss probes + 4 fast retransmissions in 3 recoveries
        assertThat(BufferStages.verdict(7, 3, 0, 4, 3, 5)).contains("4 fast retransmission(s) in 3 SACK recovery")
                .doesNotContain("NOT match");
        assertThat(BufferStages.verdict(8, 3, 0, 4, 3, 5)).contains("does NOT match");
        assertThat(BufferStages.verdict(7, 3, 0, 0, 0, 5)).contains("does NOT match");
    }
}
