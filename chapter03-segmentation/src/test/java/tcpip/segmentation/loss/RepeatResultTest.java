package tcpip.segmentation.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tcpip.kernel.TimerTicks;

/** What the repeated-drop experiment calls a late resend (a loaded machine) and an early one (a wrong schedule). */
class RepeatResultTest {

    private static final LinuxTimers TIMERS = new LinuxTimers(Duration.ofMillis(1), Duration.ZERO, Duration.ofMillis(200),
            Duration.ofMillis(204), TimerTicks.of(250));

    private static DropRepeated.RepeatResult gaps(long... measuredMillis) {
        List<Duration> expected = List.of(Duration.ofMillis(204), Duration.ofMillis(408), Duration.ofMillis(816));
        List<Duration> measured = Arrays.stream(measuredMillis).mapToObj(Duration::ofMillis).toList();
        return new DropRepeated.RepeatResult(measured, expected, 0, TIMERS, Map.of());
    }

    @Test
    void resendsOnTheirWaitAreOnTimeAndNoneEarly() {
        assertThat(gaps(205, 410, 820).allOnTime()).isTrue();
        assertThat(gaps(205, 410, 820).noneEarly()).isTrue();
    }

    @Test
    void aLateResendIsNotOnTimeButNotEarlyEither() {
        DropRepeated.RepeatResult late = gaps(208, 436, 909); // the 4th resend 93 ms late, as under a load of 12
        assertThat(late.allOnTime()).isFalse();
        assertThat(late.noneEarly()).as("late: worth another run").isTrue();
    }

    @Test
    void anEarlyResendIsNeitherAndFailsAtOnce() {
        DropRepeated.RepeatResult early = gaps(204, 204, 816); // no doubling: the textbook's fixed gap
        assertThat(early.allOnTime()).isFalse();
        assertThat(early.noneEarly()).as("a kernel timer never fires early: no second run").isFalse();
    }
}
