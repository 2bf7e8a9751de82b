package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Three way handshake: the SYN retry schedule is computed from the kernel's settings, not stated; the
 * loss lab's LossLabTest sets it against a capture (theSynScheduleMatchesACaptureToTheSecond).
 */
class SynRetryScheduleTest {

    private static List<Long> seconds(SynRetrySchedule s) {
        return s.sendTimes().stream().map(Duration::toSeconds).toList();
    }

    private static List<Duration> at(double... seconds) {
        return Arrays.stream(seconds).mapToObj(v -> Duration.ofMillis(Math.round(v * 1000))).toList();
    }

    @Test
    void linearTimeoutsFirstThenDoubling() {
        // Captured on 6.18 (tcp_syn_retries 6, tcp_syn_linear_timeouts 4): 11 SYNs at 0, 1.03, 2.05, 3.08, 4.10,
        // 5.13, 7.14, 11.17, 19.37, 35.49, 69.03 s, then ETIMEDOUT at 134.6 s.
        SynRetrySchedule s = new SynRetrySchedule(6, 4, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        assertThat(s.retransmissions()).isEqualTo(10);
        assertThat(seconds(s)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 7L, 11L, 19L, 35L, 67L);
        assertThat(s.givesUpAfter()).isEqualTo(Duration.ofSeconds(131));
        assertThat(s.describe()).contains("0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s").contains("131 s");
    }

    @Test
    void thatCaptureMatchesOnlyTheRightScheduleWithTheTimerWheelsLateness() {
        List<Duration> captured = at(0, 1.03, 2.05, 3.08, 4.10, 5.13, 7.14, 11.17, 19.37, 35.49, 69.03);
        Duration gaveUp = Duration.ofMillis(134_600);
        TimerTicks hz250 = TimerTicks.of(250);
        SynRetrySchedule right = new SynRetrySchedule(6, 4, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        assertThat(right.matches(captured, gaveUp, hz250)).as("32 s and 64 s timers sit in a 2.048 s wheel slot").isTrue();
        assertThat(new SynRetrySchedule(6, 0, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO)
                .matches(captured, gaveUp, hz250)).as("doubling from the first resend (the old lab's text)").isFalse();
        assertThat(new SynRetrySchedule(6, 4, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO)
                .matches(captured.subList(0, 7), Duration.ofMillis(11_170), hz250)).as("'after 6 retries'").isFalse();
    }

    @Test
    void theProgramMaySeeTheGiveUpLateOnABusyMachineButNeverEarly() {
        // SYNs captured when the kernel's timers said (the lab lowers tcp_syn_retries in its namespace)
        SynRetrySchedule s = new SynRetrySchedule(1, 1, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        List<Duration> captured = s.sendTimes();
        Duration due = s.givesUpAfter();
        TimerTicks hz250 = TimerTicks.of(250);
        assertThat(s.matches(captured, due, hz250)).as("on time").isTrue();
        assertThat(s.matches(captured, due.plusMillis(120), hz250)).as("connect() returned 120 ms late").isTrue();
        assertThat(s.matches(captured, due.plusMillis(900), hz250)).as("almost a second late").isFalse();
        assertThat(s.matches(captured, due.minusMillis(500), hz250)).as("early").isFalse();
    }

    @Test
    void aCaptureThatMissesOnlyByLateTimersIsNoneEarlyAndAnEarlyOneIsNot() {
        // The CI capture: the 2nd resend 116 ms late under the build's load (the wheel allows 36 ms + 20 ms)
        SynRetrySchedule s = new SynRetrySchedule(1, 1, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        List<Duration> late = at(0, 1.004, 2.120);
        Duration gaveUp = Duration.ofMillis(4_147);
        TimerTicks hz250 = TimerTicks.of(250);
        assertThat(s.matches(late, gaveUp, hz250)).as("116 ms late does not match").isFalse();
        assertThat(s.noneEarly(late, gaveUp, hz250)).as("but only late").isTrue();
        assertThat(s.noneEarly(at(0, 1.004, 1.9), gaveUp, hz250)).as("a resend 100 ms early").isFalse();
        assertThat(s.noneEarly(late, Duration.ofMillis(3_900), hz250)).as("a give-up 220 ms early").isFalse();
        assertThat(s.noneEarly(late.subList(0, 2), gaveUp, hz250)).as("one SYN too few").isFalse();
        assertThat(new SynRetrySchedule(2, 0, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO)
                .noneEarly(late, gaveUp, hz250)).as("against doubling from the first resend, the 2nd resend is early")
                .isFalse();
    }

    @Test
    void olderKernelsWithoutLinearTimeoutsDoubleFromTheStart() {
        SynRetrySchedule s = new SynRetrySchedule(6, 0, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        assertThat(seconds(s)).containsExactly(0L, 1L, 3L, 7L, 15L, 31L, 63L);
        assertThat(s.givesUpAfter()).isEqualTo(Duration.ofSeconds(127));
    }

    @Test
    void theMaximumRtoCapsTheDoubling() {
        SynRetrySchedule s = new SynRetrySchedule(4, 0, SynRetrySchedule.INITIAL_RTO, Duration.ofSeconds(3));
        assertThat(seconds(s)).containsExactly(0L, 1L, 3L, 6L, 9L);
    }

    @Test
    void aConnectTimeoutSeesOnlyTheSynsSentBeforeIt() {
        SynRetrySchedule s = new SynRetrySchedule(6, 4, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        assertThat(s.synsWithin(Duration.ofMillis(500))).isEqualTo(1);
        assertThat(s.synsWithin(Duration.ofMillis(3_500))).isEqualTo(4);
    }

    @Test
    void anotherNamespacesSysctlsMakeItsSchedule() {
        Map<String, Long> lab = Map.of("net.ipv4.tcp_syn_retries", 1L, "net.ipv4.tcp_syn_linear_timeouts", 1L);
        SynRetrySchedule s = SynRetrySchedule.of(name -> Optional.ofNullable(lab.get(name)));
        assertThat(seconds(s)).containsExactly(0L, 1L, 2L);
        assertThat(s.givesUpAfter()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void thisKernelsScheduleUsesItsOwnSettings() {
        assumeTrue(Sysctl.number("net.ipv4.tcp_syn_retries").isPresent(), "no /proc/sys on this machine");
        SynRetrySchedule s = SynRetrySchedule.ofThisKernel();
        assertThat((long) s.synRetries()).isEqualTo(Sysctl.number("net.ipv4.tcp_syn_retries").orElseThrow());
        assertThat((long) s.linearTimeouts()).isEqualTo(Sysctl.number("net.ipv4.tcp_syn_linear_timeouts").orElse(0L));
        assertThat(s.sendTimes()).hasSize(s.retransmissions() + 1);
    }
}
