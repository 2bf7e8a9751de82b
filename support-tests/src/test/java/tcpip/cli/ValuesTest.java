package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ValuesTest {

    enum Mode { ITERATIVE, THREAD_PER_CLIENT, VIRTUAL }

    @Test
    void sizesAreCountsWithAnOptionalBinaryUnit() {
        assertThat(Values.size("64K")).isEqualTo(65_536);
        assertThat(Values.size("1_000")).isEqualTo(1000);
        assertThat(Values.size("2g")).isEqualTo(2L << 30);
        assertThat(Values.size("1MiB")).isEqualTo(1L << 20);
        assertThat(Values.size("100B")).isEqualTo(100);
        assertThat(Values.size("99999999999999999999G")).isEqualTo(Long.MAX_VALUE); // out of every range, not an overflow
        for (String bad : new String[] {"lots", "", "1.5M", "-1", "64 K", " 64K", "64K\n", "1IB", "٦٤K", "64\u212A"}) {
            assertThatThrownBy(() -> Values.size(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expects a size");
        }
    }

    @Test
    void durationsNeedOneOfFourUnits() {
        assertThat(Values.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Values.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Values.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Values.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Values.duration("5S")).isEqualTo(Duration.ofSeconds(5));
        // "2d" used to be read as 2 seconds (Double.parseDouble accepts a 'd' suffix); a bare number too.
        for (String bad : new String[] {"2d", "3", "1.5ms", "5 s", "s", "1e3s", "9999999999h", "-1s", " 5s", "5s\n", ""}) {
            assertThatThrownBy(() -> Values.duration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("500ms");
        }
    }

    @Test
    void wholeNumbersAreAsciiDigitsInRange() {
        assertThat(Values.wholeNumber(0, 65_535).apply("0080")).isEqualTo(80);
        assertThat(Values.wholeNumber(-5, 5).apply("-5")).isEqualTo(-5);
        assertThatThrownBy(() -> Values.wholeNumber(0, 65_535).apply("٨٠")).hasMessageContaining("expects a whole number");
        assertThatThrownBy(() -> Values.wholeNumber(0, 65_535).apply("+80")).hasMessageContaining("expects a whole number");
        assertThatThrownBy(() -> Values.wholeNumber(1, 10).apply("0")).hasMessage("must be between 1 and 10, got 0");
        assertThatThrownBy(() -> Values.wholeNumber(0, 65_535).apply("99999999999999999999999"))
                .hasMessage("must be between 0 and 65535, got '99999999999999999999999'");
    }

    @Test
    void filesAreNeverADirectorySpelling() {
        assertThat(Values.file("out/report.html")).isEqualTo(Path.of("out/report.html"));
        assertThat(Values.path("out/")).isEqualTo(Path.of("out"));
        for (String bad : new String[] {"/", "out/", ".", "..", "a/..", "a/."}) {
            assertThatThrownBy(() -> Values.file(bad)).as(bad).hasMessageContaining("expects a file name");
        }
        assertThatThrownBy(() -> Values.path("")).hasMessageContaining("empty string");
        assertThatThrownBy(() -> Values.path("a\0b")).hasMessageContaining("control characters").hasMessageContaining("a\\x00b");
        assertThatThrownBy(() -> Values.file("\u202e7007")).as("a right-to-left override never names a file")
                .hasMessageContaining("format characters").hasMessageContaining("\\u202e7007");
        assertThatThrownBy(() -> Values.text("stage\u200b")).hasMessageContaining("format characters");
    }

    @Test
    void choicesAndLanguagesHaveOneSpellingInAnyCase() {
        assertThat(Values.choice(Mode.class).apply("Thread-Per-Client")).isEqualTo(Mode.THREAD_PER_CLIENT);
        assertThatThrownBy(() -> Values.choice(Mode.class).apply("thread_per_client"))
                .hasMessage("expects one of iterative|thread-per-client|virtual, got 'thread_per_client'");
        assertThat(Values.lang("ko")).isEqualTo(Lang.KO);
        assertThat(Values.lang("EN")).isEqualTo(Lang.EN);
        for (String bad : new String[] {"EN-us", "en_US", "english", "korean", "ko_KR.UTF-8", "", "e", "c", "ko\n"}) {
            assertThatThrownBy(() -> Values.lang(bad)).as(bad).hasMessageStartingWith("expects one of en|ko, got ");
        }
    }

    @Test
    void aShownValueIsQuotedEscapedAndNeverLong() {
        assertThat(ShownValue.of("x")).isEqualTo("'x'");
        assertThat(ShownValue.of("a\nb\u0000c\u001b[31m")).isEqualTo("'a\\nb\\x00c\\x1b[31m'");
        assertThat(ShownValue.of("evil\u202Etxt.exe\u200B")).isEqualTo("'evil\\u202etxt.exe\\u200b'");
        assertThat(ShownValue.of("\uD800")).isEqualTo("'\\ud800'");
        assertThat(ShownValue.of("한글 😀")).isEqualTo("'한글 😀'");
        assertThat(ShownValue.of("x".repeat(5000))).isEqualTo("(5000 bytes, not shown)");
    }

    @Test
    void lineAndParagraphSeparatorsAndUndecodableBytesAreRefused() {
        for (String bad : new String[] {"a\u2028b", "a\u2029b", "a\u0085b", "a\uD800b", "caf\uFFFD.txt"}) {
            assertThatThrownBy(() -> Values.file(bad)).as(ShownValue.of(bad)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Values.text(bad)).as(ShownValue.of(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Values.text("caf\uFFFD")).hasMessageContaining("encoding");
        assertThat(Values.text("한글 😀 café")).isEqualTo("한글 😀 café"); // a valid pair and Hangul stay
    }
}
