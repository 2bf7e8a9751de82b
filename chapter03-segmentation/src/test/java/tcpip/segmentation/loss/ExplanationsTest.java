package tcpip.segmentation.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TimerTicks;

/**
 * The lab's explanations as functions of what a run measured: each says what the data says, and the
 * same data set against a wrong story says "does NOT match". (LossLabTest checks them on live runs.)
 */
class ExplanationsTest {

    private static Map<String, Long> counters(long probes, long sackRecovery, long fast, long timeouts) {
        return Map.of("TcpExtTCPLossProbes", probes, "TcpExtTCPSackRecovery", sackRecovery, "TcpExtTCPFastRetrans", fast,
                "TcpExtTCPTimeouts", timeouts);
    }

    @Test
    void theResenderIsWhatTheCountersSay() {
        assertThat(Resenders.of(counters(0, 1, 1, 0))).containsExactly(Resenders.SACK);
        assertThat(Resenders.of(counters(1, 0, 0, 0))).containsExactly(Resenders.PROBE);
        assertThat(Resenders.of(counters(1, 0, 0, 3))).containsExactly(Resenders.PROBE, Resenders.TIMEOUT);
        assertThat(Resenders.of(counters(0, 0, 0, 0))).isEmpty();
    }

    @Test
    void aResenderLineMatchesOnlyTheStoryTheCountersTell() {
        Map<String, Long> sackOnly = counters(0, 1, 1, 0);
        assertThat(Resenders.line(sackOnly, EnumSet.of(Resenders.SACK))).startsWith("resent by: SACK recovery")
                .endsWith(": matches").contains("TCPSackRecovery +1").contains("TCPTimeouts +0");
        assertThat(Resenders.line(sackOnly, EnumSet.of(Resenders.TIMEOUT))).endsWith("does NOT match");
        assertThat(Resenders.line(counters(0, 0, 0, 1), EnumSet.of(Resenders.SACK)))
                .as("a timeout where SACK recovery was expected").startsWith("resent by: the retransmission timer (RTO)")
                .endsWith("does NOT match");
    }

    @Test
    void theRtoIsSrttPlusTheLargerOfFourRttvarAndTheFloorInWholeTicks() {
        SsInfo ss = SsInfo.parse("ESTAB 0 0 127.0.0.1:1 127.0.0.1:2\n\t ts sack bbr wscale:7,7 rto:204 rtt:0.021/0.011"
                + " mss:1448 cwnd:10\n").orElseThrow();
        LinuxTimers hz250 = LinuxTimers.of(ss, 200_000, TimerTicks.of(250));
        assertThat(hz250.exactRto()).isEqualTo(Duration.ofNanos(200_021_000));
        assertThat(hz250.rto()).isEqualTo(Duration.ofMillis(204));
        assertThat(hz250.rtoMatches()).isTrue();
        assertThat(hz250.rtoLine()).contains("= 204.000 ms; ss rto 204.000 ms: matches");
        assertThat(LinuxTimers.of(ss, 200_000, TimerTicks.of(1000)).rtoLine()).as("the same ss under HZ 1000")
                .endsWith("does NOT match");
        assertThat(hz250.probe(1)).as("one segment out: 2 SRTT + tcp_rto_min, at most the RTO")
                .isEqualTo(Duration.ofMillis(204));
        assertThat(hz250.probe(2)).as("several out: 2 SRTT + 2 ms, in ticks").isEqualTo(Duration.ofMillis(4));
    }

    @Test
    void theTraceTellsAtWhichDuplicateAckRecoveryBeganAndWhoReadTheAcks() throws IOException {
        List<CongestionTrace.Event> events;
        try (InputStream in = getClass().getResourceAsStream("drop-middle.trace")) {
            events = CongestionTrace.parse(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        }
        assertThat(events).extracting(CongestionTrace.Event::name).contains("tcp_probe", "tcp_cong_state_set",
                "tcp_retransmit_skb");
        RecoveryDecision.Traced t = RecoveryDecision.traced(events, 0xb7d1af89L);
        assertThat(t.states()).isEqualTo("Open → Disorder (#1) → Recovery (#2) → Open");
        assertThat(t.recoveryAt()).isEqualTo(2);
        assertThat(t.resendAfter()).as("µs from Recovery to the resend").isBetween(1.0, 50.0);
        assertThat(t.readers()).isEqualTo(LossCore.WRITER);
        assertThat(t.backlog()).as("read by the writer outside softirq: the socket's backlog").isTrue();
        RecoveryDecision byCount = new RecoveryDecision(9, List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 3, 1.3, 3,
                Optional.of(t));
        assertThat(byCount.verdict()).as("Recovery before the count rule's ACK: the time rule")
                .isEqualTo(RecoveryDecision.Verdict.TIME_RULE);
        RecoveryDecision tooLate = new RecoveryDecision(9, List.of(1, 1, 1, 1, 1, 1, 1, 1, 1), 3, 1.3, 1,
                Optional.of(t));
        assertThat(tooLate.verdict()).as("Recovery after the count rule's ACK cannot be").isEqualTo(
                RecoveryDecision.Verdict.NOT_MATCHED);
    }

    @Test
    void extraResendsAreSpuriousOnlyWhenTheReceiverReportedThemAsDuplicates() {
        Map<String, Long> dsacked = Map.of("TcpRetransSegs", 60L, "TcpExtTCPDSACKRecvSegs", 35L, "TcpExtTCPDSACKRecv", 24L,
                "TcpExtTCPLossProbes", 5L);
        RandomLoss.LossRow row = new RandomLoss.LossRow(1, 8.4, 25, 60, "154", true, dsacked, 2980, 2955);
        assertThat(RandomLoss.extra(row)).as("35 extra, 35 duplicate segments reported")
                .contains("35 resend(s) more").contains("resends of data that had arrived").doesNotContain("NOT");
        Map<String, Long> unexplained = Map.of("TcpRetransSegs", 60L, "TcpExtTCPDSACKRecvSegs", 10L);
        assertThat(RandomLoss.extra(new RandomLoss.LossRow(1, 8.4, 25, 60, "154", true, unexplained, -1, -1)))
                .as("DSACK short and ss unread: nothing else accounts for them").endsWith("does NOT match")
                .contains("took in ? segment(s)");
    }

    /** A 5 % row measured on a loaded machine: 485 resends, 150 dropped, the sender recognised 326 duplicates. */
    private static RandomLoss.LossRow measured(long retransSegs, long dropped, long ssRetrans, long sent, long received) {
        Map<String, Long> counters = Map.of("TcpRetransSegs", retransSegs, "TcpExtTCPDSACKRecvSegs", 326L,
                "TcpExtTCPDSACKRecv", 303L, "TcpExtTCPDSACKOldSent", 303L, "TcpExtTCPDSACKOfoSent", 30L,
                "TcpExtTCPTimeouts", 1L, "TcpExtTCPSACKReorder", 71L);
        return new RandomLoss.LossRow(5, 20.7, dropped, ssRetrans, "208", true, counters, sent, received);
    }

    @Test
    void extraResendsTheSenderDidNotRecogniseAreAccountedForByWhatTheReceiverTookIn() {
        // the receiver took in 3244 data segments, the sender sent 3394 - 485 = 2909 once: 335 second copies
        assertThat(RandomLoss.extra(measured(485, 150, 485, 3394, 3244))).as("335 extra, all arrived twice")
                .contains("335 resend(s) more").contains("all of them reached the receiver")
                .contains("took in 3244 data segments, 335 more than the 2909")
                .contains("the receiver sent 333 DSACK(s)").contains("the sender recognised 326")
                .doesNotContain("NOT");
        // a spurious resend the rule itself dropped: counted in dropped, never DSACKed, the receiver took in one less
        assertThat(RandomLoss.extra(measured(485, 151, 485, 3394, 3243))).as("334 extra, 334 arrived twice")
                .contains("334 resend(s) more").contains("all of them reached the receiver").doesNotContain("NOT");
    }

    @Test
    void extraResendsNotAllSeenArrivingDoNotMatch() {
        assertThat(RandomLoss.extra(measured(485, 150, 485, 3394, 3243)))
                .as("one segment lost besides the rule's drops (e.g. a full backlog queue)")
                .endsWith("does NOT match").contains("took in 334 segment(s) more").contains("with 1 lost besides");
        assertThat(RandomLoss.extra(measured(486, 150, 485, 3394, 3244)))
                .as("the namespace counted a resend this connection's ss did not (the other end's, or not data)")
                .endsWith("does NOT match").contains("336 resend(s) more");
    }
}
