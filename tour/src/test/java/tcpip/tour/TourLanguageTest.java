package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.kernel.TextWidth;
import tcpip.testing.BundleContract;
import tcpip.testing.Glossary;
import tcpip.testing.MainRunner;

/** The tour's own sentences exist in English and Korean; --lang and the locale environment choose. */
class TourLanguageTest {

    private static final Messages TOUR = Messages.of("tcpip.tour.messages");
    private static final Messages CLI = Messages.of("tcpip.cli.messages");

    @Test
    void everyTourSentenceExistsInBothLanguages() {
        BundleContract.assertComplete("tcpip.tour.messages");
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed("tcpip.tour.messages");
    }

    /** The intro of the Korean tour run that {@link KoreanTourTest} checks stage by stage (no extra run). */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void introSpeaksKoreanWithLangKo() {
        List<String> intro = TourRun.stageOutput(Lang.KO, 0);
        assertThat(intro).isNotEmpty();
        assertThat(intro.get(0)).contains(TOUR.get(Lang.KO, "intro.title"));
        String text = String.join("\n", intro);
        for (String key : new String[] {"intro.steps", "intro.step1", "intro.step2", "intro.step4", "intro.live"}) {
            assertThat(text).contains(TOUR.get(Lang.KO, key).strip());
        }
        if (tcpip.kernel.SocketTable.available()) {
            assertThat(text).containsPattern(java.util.regex.Pattern.quote(TOUR.get(Lang.KO, "intro.facts", ""))
                    + "\\S+ \\S+; tcp_syn_retries=\\d+");
        }
    }

    /** The intro's table of the article's four steps lines up by display width (a Hangul syllable is two columns). */
    @Test
    void theIntrosStepsLineUpInBothLanguages() {
        try {
            for (Lang lang : Lang.values()) {
                Lang.set(lang);
                List<String> steps = GuidedTour.steps();
                assertThat(steps).hasSize(4).allSatisfy(l -> assertThat(TextWidth.of(l.substring(0, l.indexOf("(chapter"))))
                        .as("%s in %s", l, lang).isEqualTo(TextWidth.of(steps.get(0).substring(0, steps.get(0).indexOf("(chapter")))));
            }
        } finally {
            Lang.set(Lang.EN);
        }
    }

    /** LANG=ko_KR.UTF-8 (no LC_ALL) makes Korean the default; --lang en still forces English. */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void koreanLocaleIsTheDefaultAndLangEnForcesEnglish() throws Exception {
        String koTitle = TOUR.get(Lang.KO, "intro.title");
        String enTitle = TOUR.get(Lang.EN, "intro.title");
        String byLocale = runWithKoreanLocale("--list");
        assertThat(byLocale).contains(koTitle).doesNotContain(enTitle);
        String forced = runWithKoreanLocale("--lang", "en", "--list");
        assertThat(forced).contains(enTitle).doesNotContain(koTitle);
        String help = runWithKoreanLocale("--help");
        assertThat(help).startsWith(CLI.get(Lang.KO, "cli.usage", "GuidedTour"))
                .contains(CLI.get(Lang.KO, "stages.opt.no.pause"), TOUR.get(Lang.KO, "tour.summary"));
    }

    /** GuidedTour's output under LANG=ko_KR.UTF-8 with no LC_ALL or LC_MESSAGES (the build sets LC_ALL=C.UTF-8). */
    private static String runWithKoreanLocale(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(MainRunner.java());
        command.add(GuidedTour.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null")));
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_MESSAGES");
        pb.environment().put("LANG", "ko_KR.UTF-8");
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(out, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
