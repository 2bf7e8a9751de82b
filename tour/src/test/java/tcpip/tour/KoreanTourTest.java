package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Lang;
import tcpip.narration.Stage;
import tcpip.testing.MainRunner;

/**
 * {@code GuidedTour --lang ko --no-pause} runs end to end, every stage speaks Korean, and the tour
 * shows the same key facts as the English one ({@link GuidedTourTest}): facts that are data
 * (numbers, states, descriptors, packet lines, the JDK's exception text) are matched as data;
 * facts that are sentences are matched through the Korean sentence of the bundle that prints
 * them, located by its English sentence — never through Korean copied into this test.
 */
class KoreanTourTest {

    private static final Pattern HANGUL = Pattern.compile("[가-힣]");
    /** A narration line: two spaces, a label padded to the label column, " | ", then what is said. */
    private static final Pattern NARRATION = Pattern.compile("  \\S.*? \\| (.*)");
    /** A labelled line: two spaces, the label, the padding, the bar. */
    private static final Pattern NARRATION_LABEL = Pattern.compile("  (\\S+)\\s* \\| .*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[^}]*}");

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyStageSpeaksKoreanAndShowsTheKernelsFacts() {
        MainRunner.Result r = TourRun.result(Lang.KO); // runs beside the English one (see TourRun)
        assertThat(r.exitCode()).as("Korean tour exit code; stderr:%n%s", r.stderr()).isZero();
        List<Stage> stages = TourRun.stages(Lang.KO);
        assertThat(stages).hasSameSizeAs(TourRun.stages(Lang.EN));
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            List<String> out = TourRun.stageOutput(Lang.KO, i);
            assertThat(out).as("stage %s announced as %s", s.name(), TourRun.header(s)).isNotEmpty();
            // Korean in what the stage SAYS, not only in the labels (커널, 설명) every line starts with
            String said = out.stream().skip(1).map(l -> NARRATION.matcher(l)).filter(Matcher::matches)
                    .map(m -> m.group(1)).collect(java.util.stream.Collectors.joining("\n"));
            assertThat(said).as("what stage %s says after the label column", s.name()).containsPattern(HANGUL);
        }
        assertThat(stages).as("the real-loss stage").anyMatch(s -> s.name().endsWith("loss-drop-middle"));
        String segmentation = "tcpip/segmentation/messages";
        List<Fact> facts = List.of(
                Fact.sentence("the kernel facts line, read from /proc/sys", "tcpip/tour/messages",
                        "Kernel facts of your machine: {0}", Map.of(0, "\\S+ \\S+; tcp_syn_retries=\\d+.*tcp_rmem=\\[")),
                Fact.data("a descriptor number", "fd \\d+ -> socket:\\[\\d+]"),
                Fact.data("ESTABLISHED", "ESTABLISHED"),
                Fact.sentence("read sizes", segmentation, "server: {0} bytes in {1} read() calls", Map.of(1, "\\d+")),
                Fact.sentence("one write, many reads", segmentation, "one write, {0} reads: ", Map.of(0, "\\d+")),
                Fact.sentence("the Nagle median", segmentation, "TCP_NODELAY off (Nagle on): median {0}",
                        Map.of(0, "\\d+\\.\\d+ ms")),
                Fact.sentence("the TCP_NODELAY median", segmentation, "TCP_NODELAY on:", Map.of(0, "\\d+\\.\\d+ ms")),
                Fact.sentence("the FIN makes read() return -1", "tcpip/echo/messages",
                        "read() returned -1 at once: the client's FIN arrived", Map.of()),
                Fact.sentence("TIME_WAIT with its timer", "tcpip/kernel/messages", "{0}({1}s left)",
                        Map.of(0, "TIME_WAIT", 1, "\\d+\\.\\d+")),
                Fact.sentence("a reset connection", "tcpip/close/messages", "client: read() threw {0}",
                        Map.of(0, ".*Connection reset")),
                Fact.sentence("real loss: the dropped segment is sent again", segmentation,
                        "SEQ {0}:{1} was sent {2} times", Map.of(0, "\\d+", 1, "\\d+", 2, "2")));
        for (int i = 0; i < stages.size(); i++) {
            assertThat(code(Lang.KO, TourRun.stageOutput(Lang.KO, i))).as("the code excerpts of stage %s stay as they are",
                    stages.get(i).name()).isEqualTo(code(Lang.EN, TourRun.stageOutput(Lang.EN, i)));
        }
        for (Fact fact : facts) {
            // the stage that shows the fact in English must show it in Korean too
            int stage = stageShowing(Lang.EN, fact.english());
            assertThat(stage).as("%s: no stage of the English tour shows %s", fact.what(), fact.english()).isNotNegative();
            assertThat(String.join("\n", TourRun.stageOutput(Lang.KO, stage)))
                    .as("%s in Korean stage %s", fact.what(), stages.get(stage).name()).containsPattern(fact.korean());
        }
    }

    /**
     * The source lines a stage printed under its {@code code} labels: the gutter is as wide as the label column,
     * and only the lines right under a code header count (a picture's lines may start with the same columns).
     */
    private static List<String> code(Lang lang, List<String> stageOutput) {
        String gutter = "  " + " ".repeat(TourRun.labelColumns(lang)) + " |   ";
        List<String> code = new ArrayList<>();
        boolean underCode = false;
        for (String line : stageOutput) {
            if (underCode && line.startsWith(gutter)) {
                code.add(line.substring(gutter.length()));
                continue;
            }
            Matcher m = NARRATION_LABEL.matcher(line);
            underCode = m.matches() && m.group(1).equals(lang == Lang.KO ? "코드" : "code");
        }
        return code;
    }

    /** A key fact: the same data in both tours, or one bundle sentence in its English and its Korean form. */
    record Fact(String what, Pattern english, Pattern korean) {
        static Fact data(String what, String regex) {
            return new Fact(what, Pattern.compile(regex), Pattern.compile(regex));
        }

        static Fact sentence(String what, String bundle, String englishStart, Map<Integer, String> args) {
            return new Fact(what, KoreanTourTest.sentence(bundle, englishStart, args, false),
                    KoreanTourTest.sentence(bundle, englishStart, args, true));
        }
    }

    /** The first stage of the tour in {@code lang} whose output matches {@code fact}, or -1. */
    private static int stageShowing(Lang lang, Pattern fact) {
        for (int i = 0; i < TourRun.stages(lang).size(); i++) {
            if (fact.matcher(String.join("\n", TourRun.stageOutput(lang, i))).find()) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The sentence of bundle {@code bundle} whose English form starts with {@code english}, in Korean
     * or English, as a regex: its text literally, placeholder n as {@code args.get(n)} or any text.
     */
    static Pattern sentence(String bundle, String english, Map<Integer, String> args, boolean korean) {
        Properties en = load(bundle + ".properties");
        Properties ko = load(bundle + "_ko.properties");
        String key = en.stringPropertyNames().stream().sorted()
                .filter(k -> en.getProperty(k).replace("''", "'").startsWith(english)).findFirst()
                .orElseThrow(() -> new AssertionError(bundle + ".properties has no sentence starting with: " + english));
        if (!korean) {
            return Pattern.compile(regex(en.getProperty(key), args));
        }
        String sentence = ko.getProperty(key);
        assertThat(sentence).as("%s in %s_ko", key, bundle).isNotNull().containsPattern(HANGUL);
        return Pattern.compile(regex(sentence, args));
    }

    /** A MessageFormat pattern as a regex: literal text quoted, placeholders replaced. */
    static String regex(String pattern, Map<Integer, String> args) {
        StringBuilder sb = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(pattern);
        int at = 0;
        while (m.find()) {
            sb.append(Pattern.quote(pattern.substring(at, m.start()).replace("''", "'")));
            sb.append("(?:").append(args.getOrDefault(Integer.parseInt(m.group(1)), ".*?")).append(')');
            at = m.end();
        }
        sb.append(Pattern.quote(pattern.substring(at).replace("''", "'")));
        return sb.toString();
    }

    @Test
    void theSentenceMatcherFailsOnOtherWords() {
        Pattern p = Pattern.compile(regex("'{0}' 단계: 읽기 {1}번", Map.of(1, "\\d+")));
        assertThat(p.matcher("'x' 단계: 읽기 12번").find()).isTrue();
        assertThat(p.matcher("'x' 단계: 쓰기 12번").find()).isFalse();
        assertThat(p.matcher("'x' 단계: 읽기 많이번").find()).isFalse();
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = KoreanTourTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("resource %s", resource).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + resource, e);
        }
        return p;
    }
}
