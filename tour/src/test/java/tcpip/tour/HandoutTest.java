package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instructor's handout ({@code ./homework handout DIR}) holds no reference or wrong solution,
 * builds the templates by default, and compiles (one in-process javac over every module). That each
 * exercise's template FAILS its graded tests is checked in every chapter by its HomeworkChecksTest,
 * which compiles the template in place of the solution and runs the graded test class.
 */
class HandoutTest {

    private static final Path ROOT = CourseTree.root();

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void handoutHasNoSolutionsDefaultsToTemplatesAndCompiles(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(ROOT.resolve(".git")), "the handout is made from a git checkout");
        List<Path> exercises = CourseTree.templates(ROOT);
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is already a handout");

        Path handout = tmp.resolve("handout");
        CourseTree.Run made = CourseTree.run(ROOT, 60, "bash", "homework", "handout", handout.toString());
        assertThat(made.exitCode()).as("./homework handout: %s", made.output()).isZero();
        assertThat(CourseTree.solutions(handout)).as("reference solutions in the handout").isEmpty();
        assertThat(files(handout, "/src/homework/wrong/")).as("wrong solutions (instructor fixtures) in the handout").isEmpty();
        assertThat(handout.resolve("INSTRUCTORS.md")).as("the instructors' guide stays out of the handout").doesNotExist();
        assertThat(Files.readString(handout.resolve("pom.xml"))).contains("<homework>template</homework>");
        assertThat(CourseTree.templates(handout)).as("every exercise's template").hasSameSizeAs(exercises);
        assertThat(Files.readString(handout.resolve("README.md"))).as("the handout README points at no solution")
                .doesNotContain("src/homework/solution");

        // One offline compile of the whole handout as the learner gets it: main code plus templates.
        List<Path> sources = new ArrayList<>();
        sources.addAll(files(handout, "/src/main/java/"));
        sources.addAll(files(handout, "/src/homework/template/java/"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            boolean ok = javac.getTask(errors, fm, null, List.of("-d", tmp.resolve("classes").toString(), "-cp", cp,
                    "-proc:none", "-nowarn", "-encoding", "UTF-8"), null, fm.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(ok).as("the handout compiles:%n%s", errors).isTrue();
        }
    }

    @Test
    void everyExerciseHasASolutionWrongSolutionsAndAGradedTest() throws IOException {
        List<Path> templates = CourseTree.templates(ROOT);
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is a handout");
        for (Path t : templates) {
            Path solution = Path.of(t.toString().replace("/src/homework/template/", "/src/homework/solution/"));
            assertThat(solution).as("solution for %s", t).exists();
            String name = t.getFileName().toString().replace(".java", "");
            Path module = ROOT.resolve(ROOT.relativize(t).getName(0));
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                assertThat(tests.map(p -> p.getFileName().toString())).as("graded test for %s", name)
                        .contains(name + "GradedTest.java", "HomeworkChecksTest.java");
            }
            assertThat(Files.readString(t)).as("template %s has a TODO", t).contains("\"TODO");
        }
    }

    private static List<Path> files(Path root, String pathPart) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().contains(pathPart) && p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
