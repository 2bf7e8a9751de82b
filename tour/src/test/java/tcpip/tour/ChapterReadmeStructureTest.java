package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every chapter README tells its story in the same order, so a learner always knows where to look. */
class ChapterReadmeStructureTest {

    /** The sections, in order; a heading matches if it starts with the words (case ignored). */
    private static final List<String> ORDER = List.of("article section", "programs", "how to run",
            "what you will see", "what the kernel does", "where the article simplifies", "homework");

    @Test
    void everyChapterReadmeFollowsTheChapterStructure() throws IOException {
        List<Path> readmes;
        try (Stream<Path> dirs = Files.list(CourseTree.root())) {
            readmes = dirs.filter(d -> d.getFileName().toString().startsWith("chapter"))
                    .map(d -> d.resolve("README.md")).sorted().toList();
        }
        assertThat(readmes).hasSize(4);
        for (Path readme : readmes) {
            List<String> headings = Files.readAllLines(readme).stream().filter(l -> l.startsWith("## "))
                    .map(l -> l.substring(3).trim().toLowerCase(Locale.ROOT).replace("the programs", "programs")
                            .replace("the article section", "article section"))
                    .toList();
            int at = -1;
            for (String section : ORDER) {
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
}
