package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void showsBytesRateAndEtaAndRateLimitsRedraws() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("sending", 10 * 1024 * 1024, new PrintStream(buf, true, StandardCharsets.UTF_8),
                now::get);
        now.set(SECOND);
        p.update(1024 * 1024); // drawn: first redraw
        for (int i = 0; i < 1000; i++) {
            p.update(1024 * 1024 + i); // same instant: not drawn
        }
        now.set(2 * SECOND);
        p.update(2 * 1024 * 1024);
        p.done();
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(3); // two updates + done
        assertThat(text).contains("sending 1.0 MiB / 10.0 MiB (10%)  1.0 MiB/s  ETA 0:09")
                .contains("sending 2.0 MiB / 10.0 MiB (20%)  1.0 MiB/s  ETA 0:08").endsWith(System.lineSeparator());
        p.update(5);
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(text); // nothing after done()
    }

    @Test
    void unknownTotalShowsElapsedAndNoPercentage() {
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("received", -1, null, now::get);
        now.set(3 * SECOND);
        p.update(1536);
        assertThat(p.line(now.get())).isEqualTo("received 1.5 KiB  512 B/s  0:03 elapsed");
    }

    @Test
    void silentWithoutTerminal() {
        // Surefire runs tests with stdin/stdout piped: no console, so start() never draws.
        assertThat(Progress.enabled()).isFalse();
        Progress.start("x", 10).update(5);
    }
}
