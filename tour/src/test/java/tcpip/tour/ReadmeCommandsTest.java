package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.ListeningPorts;
import tcpip.narration.Stage;
import tcpip.testing.ReadmeCommands;

/**
 * No stale docs, for the course's own READMEs: every command in README.md runs, and README.ko.md shows
 * the same ones (each chapter's ReadmeCommandsTest does the same for its README), CI runs the README's test
 * command, and the tour runs every stage of every chapter demo, which is what lets the chapters'
 * README checks prove a demo command with {@code --list} instead of running its stages again.
 */
class ReadmeCommandsTest {

    private static final Path ROOT = CourseTree.root();

    @Test
    void ciRunsExactlyTheReadmeTestCommand() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        String testCommand = ci.lines().map(String::trim).filter(l -> l.startsWith("./mvnw")).findFirst()
                .map(l -> l.replaceAll("\\s*(\\|\\||&&|;).*$", ""))
                .orElseThrow(() -> new AssertionError(".ci/run runs no ./mvnw command"));
        assertThat(readme).as("README.md shows the test command .ci/run runs").contains(testCommand);
    }

    /** The tour's size as the READMEs state it ("32 stages", "32단계") is the tour's real stage count. */
    @Test
    void theReadmesStateTheTourStageCount() throws IOException {
        int stages = GuidedTour.stages().size();
        for (var doc : java.util.Map.of("README.md", "\\((\\d+) stages", "README.ko.md", "\\((\\d+)단계").entrySet()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(doc.getValue())
                    .matcher(Files.readString(ROOT.resolve(doc.getKey())));
            assertThat(m.find()).as("%s states how many stages the tour has (%s)", doc.getKey(), doc.getValue()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("%s: the tour's stage count", doc.getKey()).isEqualTo(stages);
        }
    }

    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyCommandInTheCoursesReadmesWorks() throws IOException {
        return ReadmeCommands.testsWithKoreanTwin("README.md", ListeningPorts::of);
    }

    @Test
    void everyChapterHasItsOwnReadmeCheck() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            for (Path chapter : dirs.filter(d -> d.getFileName().toString().matches("chapter\\d\\d-.*")).toList()) {
                try (Stream<Path> tests = Files.walk(chapter.resolve("src/test/java"))) {
                    assertThat(tests.map(p -> p.getFileName().toString()))
                            .as("%s runs its README's commands", chapter.getFileName()).contains("ReadmeCommandsTest.java");
                }
            }
        }
    }

    /** Every {@code *Demo} main of every chapter: each of its stages is one the tour runs (GuidedTourTest). */
    @Test
    void theTourRunsEveryStageOfEveryChapterDemo() throws Exception {
        Set<String> tour = GuidedTour.stages().stream().map(Stage::name).collect(Collectors.toSet());
        List<String> demos;
        try (Stream<Path> files = Files.walk(ROOT, 8)) {
            demos = files.filter(p -> p.toString().contains("/src/main/java/") && p.getFileName().toString().endsWith("Demo.java"))
                    .filter(p -> p.getFileName().toString().matches("\\w+Demo\\.java"))
                    .map(p -> p.toString().replaceAll(".*/src/main/java/", "").replace('/', '.').replaceAll("\\.java$", ""))
                    .sorted().toList();
        }
        assertThat(demos).as("chapter demos").hasSizeGreaterThanOrEqualTo(4);
        for (String demo : demos) {
            Class<?> c = Class.forName(demo);
            @SuppressWarnings("unchecked")
            List<Stage> stages = (List<Stage>) c.getMethod("stages").invoke(null);
            for (Stage s : stages) {
                assertThat(tour).as("stage %s of %s is one the guided tour runs", s.name(), demo)
                        .anyMatch(t -> t.endsWith("-" + s.name()));
            }
        }
    }
}
