package tcpip.lifecycle.backlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.kernel.Sysctl;

/** Three way handshake: the SYN retry schedule is computed from the kernel's settings, not stated. */
class SynRetryScheduleTest {

    private static List<Long> seconds(SynRetrySchedule s) {
        return s.sendTimes().stream().map(Duration::toSeconds).toList();
    }

    @Test
    void linearTimeoutsFirstThenDoubling() {
        // Measured on 6.18 (tcp_syn_retries 6, tcp_syn_linear_timeouts 4): 0, 1.01, 2.03, 3.05, 4.08,
        // 5.10, 7.12, 11.34, 19.54, 35.66, 68.17 s, then ETIMEDOUT after about 133 s.
        SynRetrySchedule s = new SynRetrySchedule(6, 4, SynRetrySchedule.INITIAL_RTO, SynRetrySchedule.DEFAULT_MAX_RTO);
        assertThat(s.retransmissions()).isEqualTo(10);
        assertThat(seconds(s)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 7L, 11L, 19L, 35L, 67L);
        assertThat(s.givesUpAfter()).isEqualTo(Duration.ofSeconds(131));
        assertThat(s.describe()).contains("0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s").contains("131 s");
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
    void thisKernelsScheduleUsesItsOwnSettings() {
        assumeTrue(Sysctl.number("net.ipv4.tcp_syn_retries").isPresent(), "no /proc/sys on this machine");
        SynRetrySchedule s = SynRetrySchedule.ofThisKernel();
        assertThat((long) s.synRetries()).isEqualTo(Sysctl.number("net.ipv4.tcp_syn_retries").orElseThrow());
        assertThat((long) s.linearTimeouts()).isEqualTo(Sysctl.number("net.ipv4.tcp_syn_linear_timeouts").orElse(0L));
        assertThat(s.sendTimes()).hasSize(s.retransmissions() + 1);
    }
}
