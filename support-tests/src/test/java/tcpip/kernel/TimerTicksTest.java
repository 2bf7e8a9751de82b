package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Timer ticks and the timer wheel's lateness, as kernel/time/timer.c lays them out. */
class TimerTicksTest {

    @Test
    void anRtoIsRoundedUpToWholeTicks() {
        Duration exact = Duration.ofNanos(200_021_000);
        assertThat(TimerTicks.of(250).roundUp(exact)).isEqualTo(Duration.ofMillis(204));
        assertThat(TimerTicks.of(1000).roundUp(exact)).isEqualTo(Duration.ofMillis(201));
        assertThat(TimerTicks.of(100).roundUp(exact)).isEqualTo(Duration.ofMillis(210));
    }

    @Test
    void longerTimersSitInCoarserWheelLevels() {
        TimerTicks hz250 = TimerTicks.of(250);
        assertThat(hz250.wheelLateness(Duration.ofMillis(200))).as("50 ticks: level 0, one-tick slots")
                .isEqualTo(Duration.ofMillis(8));
        assertThat(hz250.wheelLateness(Duration.ofSeconds(1))).as("250 ticks: level 1, 8-tick slots")
                .isEqualTo(Duration.ofMillis(36));
        assertThat(hz250.wheelLateness(Duration.ofSeconds(4))).as("1000 ticks: level 2, 64-tick slots")
                .isEqualTo(Duration.ofMillis(260));
        assertThat(hz250.wheelLateness(Duration.ofSeconds(32))).as("8000 ticks: level 3, 512-tick slots")
                .isEqualTo(Duration.ofMillis(2052));
    }

    @Test
    void aTimerIsOnTimeNeitherEarlyNorLaterThanItsSlot() {
        TimerTicks hz250 = TimerTicks.of(250);
        Duration rto = Duration.ofMillis(204);
        assertThat(hz250.firedOnTime(rto, Duration.ofNanos(207_200_000))).isTrue();
        assertThat(hz250.firedOnTime(rto, Duration.ofMillis(150))).as("too early").isFalse();
        assertThat(hz250.firedOnTime(rto, Duration.ofMillis(428))).as("a doubled RTO is not this one").isFalse();
        assertThat(hz250.firedEarly(rto, Duration.ofMillis(150))).as("more than a tick early").isTrue();
        assertThat(hz250.firedEarly(rto, Duration.ofMillis(201))).as("within a tick").isFalse();
        assertThat(hz250.firedEarly(rto, Duration.ofMillis(428))).as("late, not early").isFalse();
    }

    @Test
    void thisKernelsTickIsReadOrSaidUnknown() {
        TimerTicks here = TimerTicks.ofThisKernel();
        assertThat(here.tick()).isPositive().isLessThanOrEqualTo(TimerTicks.LONGEST_TICK);
        assertThat(here.describe()).isNotBlank();
    }
}
