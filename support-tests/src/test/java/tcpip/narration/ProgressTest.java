package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
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

    @Test
    void aFailureErasesTheLineInsteadOfFinishingIt() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("receiving x", -1, new PrintStream(buf, true, StandardCharsets.UTF_8), now::get);
        now.set(SECOND);
        p.update(3);
        int width = buf.toString(StandardCharsets.UTF_8).length() - 1; // after the '\r'
        p.fail();
        p.done(); // a finally's done() after fail(): nothing more
        String text = buf.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\n").endsWith("\r" + " ".repeat(width) + "\r");
    }

    @Test
    void aLastLineFirstErasesTheLineStillOpen() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(0);
        Progress p = new Progress("receiving x", -1, new PrintStream(buf, true, StandardCharsets.UTF_8), now::get);
        now.set(SECOND);
        p.update(3);
        Progress.eraseOpen(); // what Cli does before a signal's or a failure's line
        String erased = buf.toString(StandardCharsets.UTF_8);
        assertThat(erased).endsWith(" \r").doesNotContain("\n");
        Progress.eraseOpen(); // nothing open any more
        p.done();
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(erased);
    }

    @Test
    void drawsOnlyWhereStandardErrorIsATerminal(@TempDir Path dir) throws IOException {
        Path toFile = Files.createSymbolicLink(dir.resolve("2"), Files.createFile(dir.resolve("err.txt")));
        Path toPts = Files.createSymbolicLink(dir.resolve("3"), Path.of("/dev/pts/0"));
        assertThat(Progress.isTerminal(toFile)).as("stderr to a file (stdout may be a terminal)").isFalse();
        assertThat(Progress.isTerminal(toPts)).isTrue();
        assertThat(Progress.isTerminal(Path.of("/proc/self/fd/2"))).as("surefire's piped stderr").isFalse();
    }
}
