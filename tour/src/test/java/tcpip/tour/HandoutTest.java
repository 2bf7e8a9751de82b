package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The instructor's handout ({@code ./homework handout DIR}) holds no reference solution, builds,
 * and its graded tests fail only where a template still says TODO.
 */
class HandoutTest {

    private static final Path ROOT = CourseTree.root();

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void handoutBuildsAndItsGradedTestsFailOnlyForTheTodos(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(ROOT.resolve(".git")), "the handout is made from a git checkout");
        List<Path> exercises = CourseTree.templates(ROOT);
        assumeTrue(!exercises.isEmpty(), "no homework templates");
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is already a handout");

        Path handout = tmp.resolve("handout");
        CourseTree.Run made = CourseTree.run(ROOT, 120, "bash", "homework", "handout", handout.toString());
        assertThat(made.exitCode()).as("./homework handout: %s", made.output()).isZero();
        assertThat(CourseTree.solutions(handout)).as("reference solutions in the handout").isEmpty();
        assertThat(Files.readString(handout.resolve("pom.xml"))).contains("<homework>template</homework>");
        assertThat(CourseTree.templates(handout)).hasSameSizeAs(exercises);

        // The handout builds (offline: the course's own build already fetched every plugin), and
        // its graded tests run against the templates.
        CourseTree.Run build = CourseTree.run(handout, 540, "./mvnw", "-o", "-B", "-q", "verify",
                "-Dtest=*GradedTest", "-Dsurefire.failIfNoSpecifiedTests=false", "-Dmaven.test.failure.ignore=true");
        assertThat(build.exitCode()).as("handout build:%n%s", build.output()).isZero();

        Map<String, List<String>> failuresByClass = new TreeMap<>();
        int graded = 0;
        try (Stream<Path> reports = Files.walk(handout)) {
            for (Path report : reports.filter(p -> p.getFileName().toString().matches("TEST-.*GradedTest\\.xml"))
                    .toList()) {
                Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
                NodeList cases = doc.getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    graded++;
                    for (String tag : List.of("failure", "error")) {
                        NodeList bad = c.getElementsByTagName(tag);
                        if (bad.getLength() > 0) {
                            failuresByClass.computeIfAbsent(c.getAttribute("classname"), k -> new ArrayList<>())
                                    .add(((Element) bad.item(0)).getAttribute("message"));
                        }
                    }
                }
            }
        }
        assertThat(graded).as("graded tests run in the handout").isPositive();
        failuresByClass.values().stream().flatMap(List::stream).forEach(message -> assertThat(message)
                .as("every graded failure in a fresh handout is an unfinished TODO").startsWith("Not done yet: TODO"));
        for (Path exercise : exercises) {
            String name = exercise.getFileName().toString().replace(".java", "");
            assertThat(failuresByClass.keySet()).as("a graded test fails for the unfinished exercise %s", name)
                    .anyMatch(cls -> cls.endsWith("." + name + "GradedTest"));
        }
    }

    @Test
    void everyExerciseHasASolutionAndAGradedTest() throws IOException {
        List<Path> templates = CourseTree.templates(ROOT);
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is a handout");
        for (Path t : templates) {
            Path solution = Path.of(t.toString().replace("/src/homework/template/", "/src/homework/solution/"));
            assertThat(solution).as("solution for %s", t).exists();
            String name = t.getFileName().toString().replace(".java", "");
            Path module = ROOT.resolve(ROOT.relativize(t).getName(0));
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                assertThat(tests.map(p -> p.getFileName().toString())).as("graded test for %s", name)
                        .contains(name + "GradedTest.java");
            }
            assertThat(Files.readString(t)).as("template %s has a TODO", t).contains("\"TODO");
        }
    }
}
