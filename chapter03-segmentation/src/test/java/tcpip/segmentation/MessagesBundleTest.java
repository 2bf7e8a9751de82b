package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.testing.BundleContract;
import tcpip.testing.CodeNotes;
import tcpip.testing.Glossary;

/**
 * Issue 17: the chapter's one bundle is complete in both languages, and no sentence a learner reads
 * is left as an English literal in the code (checked in the sources, so every main and stage is
 * covered without running them; KoreanDemoTest and KoreanCommandLineTest run some of them).
 */
@Isolated // switches the process-wide language; nothing may run beside it
class MessagesBundleTest {

    private static final Path SOURCES = Path.of("src/main/java/tcpip/segmentation");
    /** A narration call, a printed line or a thrown message whose text is a literal sentence. */
    private static final Pattern NARRATED_LITERAL = Pattern.compile(
            "(\\bn\\.(note|program|result|kernel|simplifies)|System\\.(out|err)\\.print(ln|f)?)\\(\\s*\"[^\"]*[a-z]{2,} [a-z]{2,}"
                    + "|new Cli\\(\"\\w+\",\\s*\"|new Stage\\(\"[a-z-]+\",\\s*[\\w.]+,\\s*\"");
    /** The help text of an option given as a literal sentence (last argument of an option call). */
    private static final Pattern OPTION_HELP_LITERAL = Pattern.compile(
            "cli\\.(flag|intOption|sizeOption|durationOption|stringOption|enumOption|pathOption)\\([^;]*\"[^\"]*\\s[^\"]*\"\\s*\\);",
            Pattern.DOTALL);
    /** Core files keep their code as it is shown in the narration (their few exception texts stay English). */
    private static final Pattern CORE_FILE = Pattern.compile(".*Core\\.java");

    @Test
    void everyKeyExistsInBothLanguagesWithTheSamePlaceholdersAndKoreanText() {
        BundleContract.assertComplete(Msg.BUNDLE);
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed(Msg.BUNDLE);
    }

    @Test
    void everyCodeExcerptHasItsKoreanExplanation() {
        CodeNotes.assertEveryMarkerExplained();
    }

    @Test
    void englishIsTheDefaultAndKoreanIsChosenByLang() {
        Lang before = Lang.current();
        try {
            Lang.set(Lang.EN);
            assertThat(Msg.get("ServerOptions.listening", "LineServer", "/127.0.0.1:7203"))
                    .isEqualTo("LineServer listening on /127.0.0.1:7203; Ctrl-C stops");
            assertThat(Msg.get("FramingStages.readCalls", 1048576, 10, 3099, 131072))
                    .as("numbers go in as text: no grouping comma")
                    .isEqualTo("server: 1048576 bytes in 10 read() calls (smallest 3099, largest 131072)");
            assertThat(Msg.get("FramingStages.delimiter")).isEqualTo("delimiter framing: one message per line, '\\n' ends it");
            assertThat(Msg.get("LineClient.unexpected", "x", "line 1: a"))
                    .isEqualTo("unexpected answer from the server: 'x' (expected 'line 1: a')");
            Lang.set(Lang.KO);
            assertThat(Msg.get("ServerOptions.listening", "LineServer", "/127.0.0.1:7203")).contains("LineServer")
                    .contains("/127.0.0.1:7203").containsPattern("[가-힣]");
            assertThat(Msg.get("LineClient.unexpected", "x", "line 1: a")).contains("'x'").contains("'line 1: a'");
        } finally {
            Lang.set(before);
        }
    }

    @Test
    void noSentenceIsAnEnglishLiteralInTheCode() {
        List<String> found = new ArrayList<>();
        for (Path file : javaFiles()) {
            if (CORE_FILE.matcher(file.getFileName().toString()).matches()) {
                continue;
            }
            String code = read(file);
            for (Pattern p : List.of(NARRATED_LITERAL, OPTION_HELP_LITERAL)) {
                Matcher m = p.matcher(code);
                while (m.find()) {
                    found.add(file.getFileName() + ": " + m.group().lines().findFirst().orElse(""));
                }
            }
        }
        assertThat(found).as("sentences that bypass the bundle (put them in messages*.properties)").isEmpty();
    }

    @Test
    void theSourceCheckCanFail() {
        assertThat(NARRATED_LITERAL.matcher("n.note(\"the receive queue is one row\");").find()).isTrue();
        assertThat(NARRATED_LITERAL.matcher("new Cli(\"LineClient\", \"Sends N lines\")").find()).isTrue();
        assertThat(OPTION_HELP_LITERAL.matcher("cli.flag(\"--quiet\", \"do not print\");").find()).isTrue();
        assertThat(OPTION_HELP_LITERAL.matcher("cli.flag(\"--quiet\", Msg.get(\"BulkReceiver.opt.quiet\"));").find())
                .isFalse();
    }

    @Test
    void everyMainChoosesItsLanguageBeforeBuildingSentences() {
        List<String> late = new ArrayList<>();
        for (Path file : javaFiles()) {
            String code = read(file);
            int main = code.indexOf("public static void main(String[] args)");
            if (main < 0) {
                continue;
            }
            int body = code.indexOf('{', main);
            String first = code.substring(body + 1).strip();
            // A main that captures first re-runs itself in a private network namespace; it prints nothing before.
            if (first.matches("(?s)(tcpip\\.cli\\.)?PrivateNetwork\\.enter\\(args\\);.*")) {
                first = first.substring(first.indexOf('\n') + 1).strip();
            }
            if (!first.startsWith("Lang.chooseFrom(args);")) {
                late.add(file.getFileName().toString());
            }
        }
        assertThat(late).as("mains whose first line is not Lang.chooseFrom(args) (after PrivateNetwork.enter(args), if any)").isEmpty();
    }

    private static List<Path> javaFiles() {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
