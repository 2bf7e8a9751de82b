package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.kernel.TextWidth;
import tcpip.testing.MainRunner;

/**
 * {@code --lang ko}: the narration's labels, fixed sentences, pause prompt, errors and report speak
 * Korean; the label column is measured in display columns, so the bars still line up.
 */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class KoreanNarrationTest {

    private static final Messages MSG = Messages.of("tcpip.cli.messages");
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @AfterEach
    void english() {
        Lang.set(Lang.EN);
    }

    private static List<String> narrate(Lang lang) {
        Lang.set(lang);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        n.section("소켓 생성", "socket()");
        n.program("SocketChannel.open()");
        n.kernel("fd 7 -> socket:[48213]");
        n.note(MSG.get(lang, "narrator.no.row", "7007"));
        n.simplifies("한 줄");
        n.result("3 reads");
        n.line(Narrator.label("packet"), "IP 127.0.0.1.1 > 127.0.0.1.2: Flags [S]");
        n.line(Narrator.label("states"), "x");
        return bytes.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" | ")).toList();
    }

    /** The width test for the narration's table: Korean labels, every bar at one display column. */
    @Test
    void koreanLabelsKeepTheBarInOneDisplayColumn() {
        List<String> korean = narrate(Lang.KO);
        assertThat(korean).hasSize(7);
        assertThat(korean.get(0)).startsWith("  " + MSG.get(Lang.KO, "narrator.label.program"));
        int bar = TextWidth.of(korean.get(0).substring(0, korean.get(0).indexOf(" | ")));
        for (String line : korean) {
            assertThat(line).containsPattern("[가-힣]");
            assertThat(TextWidth.of(line.substring(0, line.indexOf(" | ")))).as(line).isEqualTo(bar);
        }
        // measured in chars instead, the lines would disagree: that is the mistake this guards against
        assertThat(korean.stream().map(l -> l.indexOf(" | ")).distinct().count()).isGreaterThan(1);
        assertThat(bar).isEqualTo(2 + Narrator.labelColumns());
    }

    @Test
    void englishStaysExactlyAsBefore() {
        List<String> english = narrate(Lang.EN);
        assertThat(english).containsExactly("  program | SocketChannel.open()", "  kernel  | fd 7 -> socket:[48213]",
                "  note    | no row on port 7007 in /proc/net/tcp*", "  article | 한 줄", "  result  | 3 reads",
                "  packet  | IP 127.0.0.1.1 > 127.0.0.1.2: Flags [S]", "  states  | x");
    }

    @Test
    void excerptErrorsSpeakTheChosenLanguage() {
        Lang.set(Lang.KO);
        assertThatThrownBy(() -> SourceExcerpt.lines(Narrator.class, "no-such-marker"))
                .hasMessage(MSG.get(Lang.KO, "excerpt.no.marker", "Narrator.java", "no-such-marker"));
        Lang.set(Lang.EN);
        assertThatThrownBy(() -> SourceExcerpt.lines(Narrator.class, "no-such-marker"))
                .hasMessage("Narrator.java has no marker pair // [no-such-marker] ... // [/no-such-marker]");
    }

    @Test
    void reportFollowsTheLanguage() {
        Lang.set(Lang.KO);
        Report report = new Report("Demo");
        assertThat(report.html()).contains("<html lang=\"ko\">", MSG.get(Lang.KO, "report.title", "Demo"));
        Lang.set(Lang.EN);
        assertThat(new Report("Demo").html()).contains("<html lang=\"en\">", "<title>Demo — TCP/IP made visible</title>");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stagesPromptListAndErrorsInKorean() {
        Lang.set(Lang.KO); // for the expected label column below; the program runs in its own JVM
        MainRunner.Result paused = MainRunner.run(LIMIT, "\n", StagesTest.TwoStages.class, "--lang", "ko");
        assertThat(paused.exitCode()).isZero();
        assertThat(paused.stdout()).contains(MSG.get(Lang.KO, "stages.pause", "second"))
                .contains("  " + TextWidth.padRight(MSG.get(Lang.KO, "narrator.label.note"), Narrator.labelColumns())
                        + " | one ran");
        MainRunner.Result missing = MainRunner.run(LIMIT, StagesTest.TwoStages.class, "--lang", "ko", "--stage", "x");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.stderr().strip()).isEqualTo(MSG.get(Lang.KO, "stages.no.stage", "TwoStages", "'x'"));
        MainRunner.Result help = MainRunner.run(LIMIT, Watch.class, "--lang", "ko", "--help");
        assertThat(help.stdout()).contains(MSG.get(Lang.KO, "watch.summary"), MSG.get(Lang.KO, "watch.opt.no.queues"));
    }
}
