package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every chapter README tells its story in the same order, so a learner always knows where to look; a chapter's
 * README.ko.md tells it in the same order, with the same commands and excerpts, and both link each other.
 */
class ChapterReadmeStructureTest {

    /** The sections, in order; a heading matches if it starts with the words (case ignored). */
    private static final List<String> ORDER = List.of("article section", "programs", "how to run",
            "what you will see", "what the kernel does", "where the article simplifies", "homework");
    /** The same sections in a chapter's README.ko.md. */
    private static final List<String> ORDER_KO = List.of("글의 절", "프로그램", "실행하기", "보게 될 것", "커널이 하는 일",
            "글이 단순화한 부분", "과제");

    @Test
    void everyChapterReadmeFollowsTheChapterStructure() throws IOException {
        List<Path> readmes;
        try (Stream<Path> dirs = Files.list(CourseTree.root())) {
            readmes = dirs.filter(d -> d.getFileName().toString().startsWith("chapter"))
                    .map(d -> d.resolve("README.md")).sorted().toList();
        }
        assertThat(readmes).hasSize(4);
        for (Path readme : readmes) {
            assertOrder(readme, ORDER);
            Path korean = readme.resolveSibling("README.ko.md");
            if (Files.exists(korean)) {
                assertOrder(korean, ORDER_KO);
                assertThat(Files.readString(readme)).as("%s links its Korean version", readme).contains("(README.ko.md)");
                assertThat(Files.readString(korean)).as("%s links its English version", korean).contains("(README.md)");
                String chapter = readme.getParent().getFileName().toString();
                assertThat(Files.readString(CourseTree.root().resolve("README.ko.md")))
                        .as("README.ko.md links %s's Korean README", chapter).contains("(" + chapter + "/README.ko.md)");
                assertThat(commands(korean)).as("%s runs the commands of %s", korean, readme).isEqualTo(commands(readme));
            }
        }
    }

    /** The Korean README of a chapter shows the same commands and the same output excerpts as the English one. */
    private static List<String> commands(Path readme) throws IOException {
        return Files.readAllLines(readme).stream()
                .filter(l -> l.startsWith("./") || l.startsWith("sudo ") || l.startsWith("<!-- output:")).toList();
    }

    private static void assertOrder(Path readme, List<String> order) throws IOException {
        List<String> headings = Files.readAllLines(readme).stream().filter(l -> l.startsWith("## "))
                .map(l -> l.substring(3).trim().toLowerCase(Locale.ROOT).replace("the programs", "programs")
                        .replace("the article section", "article section"))
                .toList();
        int at = -1;
        for (String section : order) {
            int found = -1;
            for (int i = at + 1; i < headings.size(); i++) {
                if (headings.get(i).startsWith(section)) {
                    found = i;
                    break;
                }
            }
            assertThat(found).as("%s: a '## %s…' heading after the previous section (headings: %s)",
                    CourseTree.root().relativize(readme), section, headings).isGreaterThan(at);
            at = found;
        }
    }
}
