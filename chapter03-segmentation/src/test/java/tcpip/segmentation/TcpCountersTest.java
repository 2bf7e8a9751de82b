package tcpip.segmentation;

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

/** Issue 12 item 5: the window stage reports the kernel's own counters (nstat's), read live, not textbook numbers. */
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

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        tcpip.segmentation.buffers.BufferStages.counters(new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8)), before, after);
        assertThat(buf.toString(StandardCharsets.UTF_8)).containsPattern("TcpRetransSegs +\\+\\d+")
                .containsPattern("TcpExtTCPLossProbes +\\+\\d+").contains("tail loss probe")
                .doesNotContain("three duplicate");
    }
}
