package tcpip.segmentation.seqack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.TcpdumpLine;
import tcpip.narration.Narrator;

/** ACK = SEQ + length (+1 SYN/FIN) and ISN randomness, computed from captures; each check can fail. */
class SeqAckCheckTest {

    private static Segment seg(String tcpdumpLine) {
        return TcpdumpLine.parse(tcpdumpLine).orElseThrow();
    }

    private static final Segment SYN = seg("1.000000 IP 127.0.0.1.5000 > 127.0.0.1.80: Flags [S], seq 100, win 65495,"
            + " options [mss 65495], length 0");
    private static final Segment SYN_ACK = seg("1.000010 IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [S.], seq 900,"
            + " ack 101, win 65483, length 0");
    private static final Segment DATA = seg("1.000030 IP 127.0.0.1.5000 > 127.0.0.1.80: Flags [P.], seq 101:117,"
            + " ack 901, win 512, length 16");
    private static final Segment FIN = seg("1.000050 IP 127.0.0.1.5000 > 127.0.0.1.80: Flags [F.], seq 117,"
            + " ack 901, win 512, length 0");

    @Test
    void correctAnswersMatch() {
        List<SeqAckCheck.Check> checks = SeqAckCheck.acks(List.of(SYN, SYN_ACK,
                seg("1.000020 IP 127.0.0.1.5000 > 127.0.0.1.80: Flags [.], ack 901, win 512, length 0"), DATA,
                seg("1.000040 IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [.], ack 117, win 512, length 0"), FIN,
                seg("1.000060 IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [F.], seq 901, ack 118, win 512, length 0"),
                seg("1.000070 IP 127.0.0.1.5000 > 127.0.0.1.80: Flags [.], ack 902, win 512, length 0")));
        assertThat(checks).hasSize(5).allMatch(SeqAckCheck.Check::matches);
        assertThat(checks.get(0).expected()).as("SYN: seq + 1").isEqualTo(101);
        assertThat(checks.get(2).expected()).as("data: seq + length, no +1").isEqualTo(117);
        assertThat(checks.get(3).expected()).as("FIN: seq + 1").isEqualTo(118);
        assertThat(checks.get(2).describe()).contains("(matches)");
    }

    @Test
    void anAckOffByOneDoesNotMatch() {
        // the article's rule "received size + 1" would produce this ACK for 16 bytes
        List<SeqAckCheck.Check> checks = SeqAckCheck.acks(List.of(DATA,
                seg("1.000040 IP 127.0.0.1.80 > 127.0.0.1.5000: Flags [.], ack 118, win 512, length 0")));
        assertThat(checks).singleElement().satisfies(c -> {
            assertThat(c.matches()).isFalse();
            assertThat(c.describe()).contains("does NOT match");
        });
    }

    @Test
    void aSegmentNobodyAnsweredDoesNotMatch() {
        assertThat(SeqAckCheck.acks(List.of(DATA))).singleElement()
                .satisfies(c -> assertThat(c.describe()).contains("ack=none").contains("does NOT match"));
    }

    @Test
    void countedIsnsAreNotRandom() {
        assertThat(SeqAckCheck.looksRandom(List.of(1000L, 1001L, 1002L, 1003L))).isFalse();
        assertThat(SeqAckCheck.looksRandom(List.of(7L, 7L))).isFalse();
        assertThat(SeqAckCheck.looksRandom(List.of(12L, 3_000_000_000L, 900_000_000L))).isTrue();
    }

    @Test
    @Timeout(30)
    void theRealStageComputesEveryRelationFromTheCapture() throws Exception {
        assumeTrue(PacketCapture.possible(), () -> tcpip.kernel.PacketAccess.current().whyNoPackets());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SeqAckStages.seqAck(new Narrator(new PrintStream(out, true, StandardCharsets.UTF_8)));
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(said).as("the capture is not empty").contains("  packet  |").doesNotContain("captured nothing");
        assertThat(said).contains("ACK = SEQ + length, +1 only for SYN and FIN (matches)").doesNotContain("does NOT match");
        assertThat(said).contains("client ISNs of " + (1 + SeqAckStages.ISN_CONNECTIONS) + " connections");
        assertThat(said).contains("(matches)").contains("not a counter");
        assertThat(said.lines().filter(l -> l.contains("(matches)")).count())
                .as("SYN, SYN+ACK, 3 data segments and 2 FINs were each answered").isGreaterThanOrEqualTo(7);
    }
}
