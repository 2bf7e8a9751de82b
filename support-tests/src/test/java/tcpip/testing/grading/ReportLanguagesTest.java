package tcpip.testing.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.testing.BundleContract;
import tcpip.testing.Glossary;
import tcpip.testing.Msg;
import tcpip.testing.TodoHint;

/**
 * The score table in English and Korean: every grader sentence is in both bundles, the Korean table has no English
 * sentence left (only data: module, exercise and check names, a template's own TODO text), its columns line up by
 * display width, and the JSON report is the same whatever the table's language.
 */
final class ReportLanguagesTest {

    private static final String BUNDLE = "tcpip.testing.messages";
    private static final Exercise NAGLE = new Exercise("chapter03-segmentation", Path.of("."), "p", "NagleFix", 12);
    private static final Exercise MSS = new Exercise("chapter03-segmentation", Path.of("."), "p", "MssReader", 10);
    private static final Exercise CLOSER = new Exercise("chapter04-close", Path.of("."), "p", "DrainingCloser", 8);
    private static final Exercise PROBE = new Exercise("chapter02-lifecycle", Path.of("."), "p", "ReachabilityProbe", 6);
    private static final Exercise ISN = new Exercise("chapter02-lifecycle", Path.of("."), "p", "IsnReader", 6);

    @Test
    void everyGraderSentenceIsInBothLanguagesAndFollowsTheGlossary() {
        BundleContract.assertComplete(BUNDLE);
        Glossary.assertFollowed(BUNDLE);
    }

    @Test
    void theKoreanTableHasNoEnglishSentenceLeft() throws Exception {
        String korean = table(true);
        List<String> left = new ArrayList<>();
        for (String fragment : englishFragments()) {
            if (korean.contains(fragment)) {
                left.add(fragment);
            }
        }
        assertThat(left).as("English sentences in the Korean table:%n%s", korean).isEmpty();
        assertThat(korean).contains(Msg.get(true, "report.total"), Msg.get(true, "verdict.pass", 4),
                Msg.get(true, "verdict.fail", 2, 3), Msg.get(true, "verdict.timedOut", "MssReader", 60),
                Msg.get(true, "todo.hint", "TODO: turn Nagle off", "NagleFixGradedTest"),
                Msg.get(true, "report.more", 2));
        assertThat(table(false)).contains("TOTAL", "all 4 checks pass", "2 of 3 checks fail",
                "Not done yet: TODO: turn Nagle off (NagleFixGradedTest grades this exercise)", "... and 2 more failed checks");
    }

    @Test
    void theKoreanTablesColumnsLineUpByDisplayWidth() throws Exception {
        for (boolean korean : new boolean[] {false, true}) {
            String header = Report.header(korean);
            int points = Report.MODULE_COLUMNS + 1 + Report.EXERCISE_COLUMNS + 1;
            int result = points + Report.POINTS_COLUMNS + 1;
            assertThat(Msg.columns(prefix(header, Msg.get(korean, "report.points")))).isEqualTo(points);
            assertThat(Msg.columns(prefix(header, Msg.get(korean, "report.result")))).isEqualTo(result);
            for (Verdict v : verdicts()) {
                String row = Report.lines(v, korean).lines().findFirst().orElseThrow();
                assertThat(Msg.columns(prefix(row, v.earned() + "/"))).as(row).isEqualTo(points + 2 - (v.earned() > 9 ? 1 : 0));
                assertThat(Msg.columns(prefix(row, v.summary(korean)))).as(row).isEqualTo(result);
            }
            String total = Report.total(7, 42, korean);
            assertThat(Msg.columns(prefix(total, "7/"))).as(total).isEqualTo(points + 2);
        }
    }

    @Test
    void theJsonReportIsTheSameInBothLanguages() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("report-languages");
        Path json = dir.resolve("grade.json");
        try {
            Report.json(json, verdicts());
            String text = java.nio.file.Files.readString(json);
            assertThat(text).doesNotContainPattern("[가-힣]").contains("\"status\":\"fail\"", "\"message\":\"2 of 3 checks fail\"",
                    "Not done yet: TODO: turn Nagle off (NagleFixGradedTest grades this exercise)");
        } finally {
            Snapshot.delete(dir);
        }
    }

    @Test
    void aSubmissionsTextStaysOneCleanLineInKoreanToo() {
        Check forged = new Check("x", Check.FAILED, Text.clean("Not done yet: TODO\u001b[2K\nTOTAL 99/99 (X grades this exercise)", 200), 1);
        Verdict v = new Verdict(NAGLE, Verdict.FAIL, 0, Sentence.of("verdict.fail", 1, 1), List.of(forged));
        String rows = Report.lines(v, true);
        assertThat(rows.lines()).hasSize(2);
        assertThat(rows.chars()).noneMatch(c -> c != '\n' && Character.isISOControl(c));
    }

    private static String prefix(String line, String marker) {
        int at = line.indexOf(marker);
        assertThat(at).as("'%s' in '%s'", marker, line).isNotNegative();
        return line.substring(0, at);
    }

    private static List<Verdict> verdicts() {
        List<Check> many = new ArrayList<>();
        for (int i = 0; i < Report.MAX_FAILURE_LINES + 2; i++) {
            many.add(new Check("step " + i, Check.FAILED, "expected a FIN", 1));
        }
        return List.of(
                new Verdict(NAGLE, Verdict.FAIL, 0, Sentence.of("verdict.fail", 2, 3), List.of(
                        new Check("turns Nagle off", Check.FAILED,
                                TodoHint.hint("TODO: turn Nagle off", "NagleFixGradedTest"), 1),
                        new Check("sends one segment", Check.FAILED, "expected 1 but was 3", 1),
                        new Check("keeps the bytes", Check.PASSED, "", 1))),
                Verdict.zero(MSS, "timeout", Sentence.of("verdict.timedOut", "MssReader", 60), List.of()),
                new Verdict(CLOSER, Verdict.PASS, 8, Sentence.of("verdict.pass", 4), List.of()),
                Verdict.zero(PROBE, "error", Sentence.of("verdict.notGraded", Sentence.of("verdict.notCompiled",
                        "chapter02-lifecycle")), List.of()),
                new Verdict(ISN, Verdict.FAIL, 0, Sentence.of("verdict.fail", many.size(), many.size()), many));
    }

    private static String table(boolean korean) {
        StringBuilder b = new StringBuilder(Report.header(korean));
        int earned = 0;
        int possible = 0;
        for (Verdict v : verdicts()) {
            b.append(Report.lines(v, korean));
            earned += v.earned();
            possible += v.exercise().points();
        }
        b.append(Report.total(earned, possible, korean));
        b.append(Msg.get(korean, "grade.jsonReport", "target/homework-grade.json")).append('\n');
        b.append(Msg.get(korean, "grade.noNamespaces", "no unshare (util-linux)")).append('\n');
        return b.toString();
    }

    /** The English bundle's words between its placeholders (three letters or more), e.g. "checks fail". */
    private static List<String> englishFragments() throws Exception {
        Properties en = new Properties();
        try (var in = Msg.class.getResourceAsStream("messages.properties")) {
            en.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        }
        List<String> out = new ArrayList<>();
        for (String key : en.stringPropertyNames()) {
            for (String piece : en.getProperty(key).replace("''", "'").split("\\{\\d+}")) {
                String words = piece.replaceAll("^[^A-Za-z]+|[^A-Za-z]+$", "");
                if (Pattern.compile("[a-z]{3,}").matcher(words).find() && !words.equals("INSTRUCTORS.md")) {
                    out.add(words);
                }
            }
        }
        return out;
    }
}
