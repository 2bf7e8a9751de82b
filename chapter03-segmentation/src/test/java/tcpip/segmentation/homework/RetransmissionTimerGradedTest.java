package tcpip.segmentation.homework;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades RetransmissionTimer against RFC 6298, with the values a test computes itself (in ms). */
@ExtendWith(TodoHint.class)
class RetransmissionTimerGradedTest {

    /** Points in the score table. */
    static final int POINTS = 10;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(RetransmissionTimer.class);

    static final Duration RFC_INITIAL = Duration.ofSeconds(1);
    static final Duration LINUX_MIN = Duration.ofMillis(200);
    static final Duration LINUX_MAX = Duration.ofSeconds(120);
    static final Duration G = Duration.ofMillis(1);

    private static RetransmissionTimer linux() {
        return new RetransmissionTimer(RFC_INITIAL, LINUX_MIN, LINUX_MAX, G);
    }

    private static double ms(Duration d) {
        return d.toNanos() / 1e6;
    }

    @Test
    void startsAtTheInitialRtoWithNoEstimate() {
        RetransmissionTimer t = linux();
        assertThat(t.rto()).as("RTO before any sample: the initial RTO parameter (1 s, RFC 6298 2.1)").isEqualTo(RFC_INITIAL);
        assertThat(t.srtt()).as("SRTT before any sample").isEmpty();
        assertThat(t.rttvar()).as("RTTVAR before any sample").isEmpty();
    }

    @Test
    void theFirstSampleSetsSrttAndHalfOfItAsRttvar() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofMillis(100), false);
        assertThat(ms(t.srtt().orElseThrow())).as("SRTT after R=100 ms (2.2: SRTT = R)").isCloseTo(100, within());
        assertThat(ms(t.rttvar().orElseThrow())).as("RTTVAR after R=100 ms (2.2: RTTVAR = R/2)").isCloseTo(50, within());
        assertThat(ms(t.rto())).as("RTO = SRTT + max(G, 4*RTTVAR) = 100 + 200").isCloseTo(300, within());
    }

    @Test
    void laterSamplesUpdateRttvarWithTheOldSrttThenSrtt() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofMillis(100), false);
        t.onAck(Duration.ofMillis(300), false);
        // RTTVAR = 3/4*50 + 1/4*|100-300| = 87.5 ; SRTT = 7/8*100 + 1/8*300 = 125 ; RTO = 125 + 350
        assertThat(ms(t.rttvar().orElseThrow())).as("RTTVAR after 100 then 300 ms: 3/4*50 + 1/4*|OLD srtt 100 - 300|")
                .isCloseTo(87.5, within());
        assertThat(ms(t.srtt().orElseThrow())).as("SRTT after 100 then 300 ms: 7/8*100 + 1/8*300").isCloseTo(125, within());
        assertThat(ms(t.rto())).as("RTO = 125 + 4*87.5").isCloseTo(475, within());
    }

    @Test
    void aSteadyFastPathIsFlooredAtTheMinimum() {
        RetransmissionTimer t = linux();
        for (int i = 0; i < 50; i++) {
            t.onAck(Duration.ofMillis(1), false);
        }
        assertThat(t.rto()).as("RTO of a 1 ms path: SRTT + 4*RTTVAR is tiny, so the floor parameter (200 ms here,"
                + " Linux's tcp_rto_min) applies").isEqualTo(LINUX_MIN);
    }

    @Test
    void theRfcFloorIsAParameterToo() {
        RetransmissionTimer rfc = new RetransmissionTimer(RFC_INITIAL, Duration.ofSeconds(1), Duration.ofSeconds(60), G);
        rfc.onAck(Duration.ofMillis(10), false);
        assertThat(rfc.rto()).as("with RFC 6298's 1 s floor (2.4)").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void eachTimeoutDoublesTheRto() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofMillis(100), false);
        t.onTimeout();
        assertThat(ms(t.rto())).as("after one timeout: 2 x 300 ms (5.5)").isCloseTo(600, within());
        t.onTimeout();
        assertThat(ms(t.rto())).as("after two timeouts: 4 x 300 ms").isCloseTo(1200, within());
    }

    @Test
    void backoffStopsAtTheCeiling() {
        RetransmissionTimer t = linux();
        for (int i = 0; i < 20; i++) {
            t.onTimeout();
        }
        assertThat(t.rto()).as("after 20 timeouts from 1 s: the ceiling parameter (120 s here, Linux's tcp_rto_max)")
                .isEqualTo(LINUX_MAX);
    }

    @Test
    void aHugeSampleIsCappedAtTheCeilingToo() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofSeconds(100), false);
        assertThat(t.rto()).as("RTO after one 100 s sample: SRTT + 4*RTTVAR = 300 s, above the ceiling (120 s here):"
                + " the ceiling bounds every RTO (2.5), the computed one as well as the backed-off one").isEqualTo(LINUX_MAX);
        t.onTimeout();
        assertThat(t.rto()).as("and a timeout after it stays at the ceiling").isEqualTo(LINUX_MAX);
    }

    @Test
    void theFloorHoldsAfterATimeoutOfAFlooredRtoToo() {
        RetransmissionTimer t = new RetransmissionTimer(Duration.ofMillis(100), LINUX_MIN, LINUX_MAX, G);
        assertThat(t.rto()).as("the initial RTO is a parameter, even below the floor").isEqualTo(Duration.ofMillis(100));
        t.onAck(Duration.ofMillis(1), false);
        t.onTimeout();
        assertThat(t.rto()).as("a 1 ms path floored at 200 ms, then one timeout: 2 x 200 ms").isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void karnsRuleIgnoresSamplesOfRetransmittedSegments() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofMillis(100), false);
        t.onTimeout();
        t.onAck(Duration.ofMillis(5), true); // the ACK may be for the first copy: ambiguous
        assertThat(ms(t.srtt().orElseThrow())).as("SRTT after an ACK of a RETRANSMITTED segment: unchanged (Karn)")
                .isCloseTo(100, within());
        assertThat(ms(t.rto())).as("RTO after that ACK: still the backed-off 600 ms").isCloseTo(600, within());
    }

    @Test
    void karnsRuleHoldsForTheVeryFirstSampleToo() {
        RetransmissionTimer t = linux();
        t.onTimeout(); // the first segment was never acknowledged in time: RTO 2 s, and it is sent again
        t.onAck(Duration.ofMillis(5), true); // its ACK may answer either copy
        assertThat(t.srtt()).as("SRTT after the only ACK so far, of a RETRANSMITTED segment: still no estimate (Karn's"
                + " rule holds before the first sample too)").isEmpty();
        assertThat(t.rto()).as("RTO after that ACK: still the backed-off 2 s").isEqualTo(Duration.ofSeconds(2));
        t.onAck(Duration.ofMillis(100), false);
        assertThat(ms(t.srtt().orElseThrow())).as("SRTT after the first unambiguous sample, 100 ms (2.2)").isCloseTo(100, within());
        assertThat(ms(t.rto())).as("RTO after it: 100 + 4*50").isCloseTo(300, within());
    }

    @Test
    void aValidSampleAfterBackoffRecomputesTheRto() {
        RetransmissionTimer t = linux();
        t.onAck(Duration.ofMillis(100), false);
        t.onTimeout();
        t.onTimeout();
        t.onAck(Duration.ofMillis(100), false);
        // RTTVAR = 3/4*50 + 0 = 37.5 ; SRTT = 100 ; RTO = 100 + 150
        assertThat(ms(t.rto())).as("a fresh, unambiguous sample of 100 ms after two timeouts: RTO from SRTT and RTTVAR"
                + " again (100 + 4*37.5), not the backed-off value").isCloseTo(250, within());
    }

    @Test
    void granularityCountsWhenTheVariationIsTiny() {
        RetransmissionTimer t = new RetransmissionTimer(RFC_INITIAL, Duration.ZERO, LINUX_MAX, Duration.ofMillis(500));
        for (int i = 0; i < 60; i++) {
            t.onAck(Duration.ofMillis(100), false);
        }
        assertThat(ms(t.rto())).as("RTO = SRTT + max(G, 4*RTTVAR) with G = 500 ms and RTTVAR near 0")
                .isCloseTo(600, org.assertj.core.data.Offset.offset(1.0));
    }

    /**
     * A connection's life in one trace: a lost first segment and its ambiguous ACK, samples that vary, timeouts and
     * another ambiguous ACK, a fast path down to the floor, backoff up to the ceiling, and a huge sample. The RTO is
     * checked after every step (values worked out by hand from RFC 6298, in ms). Weighted so that a mistake in any one
     * rule (Karn's, the update order, the floor, the ceiling) loses at least half of the points, not one check's worth.
     */
    @Test
    @Weight(12)
    void aWholeConnectionFollowsEveryRuleAtEveryStep() {
        RetransmissionTimer t = linux();
        int[] step = {0};
        step(t, step, "a timeout before any ACK: 2 x the initial 1 s", RetransmissionTimer::onTimeout, 2000);
        step(t, step, "the ACK of that retransmitted first segment, 5 ms: no sample (Karn), no estimate yet",
                x -> x.onAck(Duration.ofMillis(5), true), 2000);
        step(t, step, "the first sample, 100 ms: 100 + 4*50", x -> x.onAck(Duration.ofMillis(100), false), 300);
        step(t, step, "300 ms: RTTVAR 3/4*50 + 1/4*|100-300| = 87.5 (the OLD SRTT), SRTT 125",
                x -> x.onAck(Duration.ofMillis(300), false), 475);
        step(t, step, "50 ms: RTTVAR 84.375, SRTT 115.625", x -> x.onAck(Duration.ofMillis(50), false), 453.125);
        step(t, step, "a timeout: doubled", RetransmissionTimer::onTimeout, 906.25);
        step(t, step, "the ACK of the retransmitted segment, 10 ms: no sample (Karn)",
                x -> x.onAck(Duration.ofMillis(10), true), 906.25);
        step(t, step, "another timeout: doubled again", RetransmissionTimer::onTimeout, 1812.5);
        step(t, step, "a fresh sample, 200 ms: RTTVAR 84.375, SRTT 126.171875",
                x -> x.onAck(Duration.ofMillis(200), false), 463.671875);
        step(t, step, "30 samples of 1 ms: SRTT + 4*RTTVAR falls below the 200 ms floor", x -> {
            for (int i = 0; i < 30; i++) {
                x.onAck(Duration.ofMillis(1), false);
            }
        }, 200);
        step(t, step, "10 timeouts: 200 ms x 2^10 is above the 120 s ceiling", x -> {
            for (int i = 0; i < 10; i++) {
                x.onTimeout();
            }
        }, 120_000);
        step(t, step, "a 200 s sample: the computed RTO is above the ceiling too", x -> x.onAck(Duration.ofSeconds(200), false),
                120_000);
    }

    private static void step(RetransmissionTimer t, int[] step, String what,
            java.util.function.Consumer<RetransmissionTimer> action, double expectedMs) {
        action.accept(t);
        step[0]++;
        assertThat(ms(t.rto())).as("RTO (ms) after step %d of the trace, %s", step[0], what).isCloseTo(expectedMs, within());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}
