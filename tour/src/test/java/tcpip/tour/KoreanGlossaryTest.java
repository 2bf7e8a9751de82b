package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import tcpip.testing.Glossary;

/**
 * Every Korean README (the course's and each chapter's) uses the glossary's terms; each module's bundle
 * test checks its own Korean sentences the same way ({@code Glossary.assertFollowed}).
 */
class KoreanGlossaryTest {

    @TestFactory
    Stream<DynamicTest> everyKoreanReadmeUsesTheGlossarysTerms() throws IOException {
        return koreanReadmes().stream().map(readme -> DynamicTest.dynamicTest(
                CourseTree.root().relativize(readme).toString(), () -> Glossary.assertFollowedIn(readme)));
    }

    @Test
    void theKoreanReadmeLinksTheGlossaryAndSoDoesContributing() throws IOException {
        for (String doc : List.of("README.ko.md", "CONTRIBUTING.md")) {
            assertThat(Files.readString(CourseTree.root().resolve(doc))).as(doc).contains("(" + Glossary.FILE + ")");
        }
    }

    private static List<Path> koreanReadmes() throws IOException {
        Path root = CourseTree.root();
        try (Stream<Path> modules = Files.list(root)) {
            List<Path> chapters = modules.map(m -> m.resolve("README.ko.md")).filter(Files::isRegularFile).sorted().toList();
            return Stream.concat(Stream.of(root.resolve("README.ko.md")), chapters.stream()).toList();
        }
    }
}
