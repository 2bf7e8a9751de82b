package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How often KernelAwait looks at /proc: often at first, never late by more than 5 % or 1 ms. */
class KernelAwaitTest {

    private static long pauseMillis(long waitedMillis) {
        return Duration.ofNanos(KernelAwait.pauseNanos(Duration.ofMillis(waitedMillis).toNanos())).toMillis();
    }

    @Test
    void itLooksEveryMillisecondForTheFirst20Milliseconds() {
        assertThat(pauseMillis(0)).isEqualTo(1);
        assertThat(pauseMillis(20)).isEqualTo(1);
    }

    @Test
    void thenEveryTwentiethOfTheTimeWaited() {
        assertThat(pauseMillis(100)).isEqualTo(5);
        assertThat(pauseMillis(199)).isLessThan(10);
    }

    @Test
    void andNeverLessOftenThanEvery50Milliseconds() {
        assertThat(pauseMillis(200)).isEqualTo(10);
        assertThat(pauseMillis(1_000)).isEqualTo(50);
        assertThat(pauseMillis(60_000)).isEqualTo(50);
    }

    @Test
    void butAtLeastTwiceAsLongAsTheLastReadTookUpTo50Milliseconds() {
        long read = Duration.ofMillis(8).toNanos(); // a table of thousands of rows
        assertThat(Duration.ofNanos(KernelAwait.pauseNanos(0, read)).toMillis()).isEqualTo(16);
        assertThat(Duration.ofNanos(KernelAwait.pauseNanos(0, Duration.ofSeconds(1).toNanos())).toMillis())
                .isEqualTo(50);
        long quick = Duration.ofMillis(100).toNanos(); // waited 100 ms, a read of 0.1 ms: the usual 5 ms
        assertThat(Duration.ofNanos(KernelAwait.pauseNanos(quick, 100_000)).toMillis()).isEqualTo(5);
    }
}
