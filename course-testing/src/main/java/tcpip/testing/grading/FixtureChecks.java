package tcpip.testing.grading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import tcpip.testing.HomeworkAnswerKey;

/**
 * The homework's own checks, one module at a time: every exercise's template and every wrong solution kept under
 * {@code src/homework/wrong/EXERCISE/MISTAKE/} fails its graded tests (a template with "Not done yet: TODO", a wrong
 * solution named {@value #ANSWER_KEY_MISTAKE} on the answer-key rule), and every graded test guards its answer key.
 * All fixtures run at once, each on its own thread (they mostly wait on sockets and deadlines), in this JVM.
 */
public final class FixtureChecks {

    /** A wrong solution in a folder of this name calls the course's own code; it must fail on the answer-key rule. */
    public static final String ANSWER_KEY_MISTAKE = "UsesTheCoursesCode";
    /** Fixtures checked at once. */
    static final int MAX_PARALLEL = 64;
    /** Time one fixture may take; it stops at its first failed check. */
    static final Duration FIXTURE_LIMIT = Duration.ofSeconds(40);

    private final Path base;
    private final String classPath;

    /** The module at {@code base}, whose tests run with {@code classPath}. */
    public FixtureChecks(Path base, String classPath) {
        this.base = base;
        this.classPath = classPath;
    }

    private record Case(String label, List<Path> sources, Exercise exercise, boolean template) {
    }

    /** One dynamic test per exercise (its answer key) and per template and wrong solution (it fails). */
    public Stream<DynamicTest> tests() throws IOException {
        List<Case> cases = new ArrayList<>();
        String folder;
        List<Exercise> exercises = Exercise.in(base);
        for (Exercise e : exercises) {
            folder = e.pkg().replace('.', '/');
            Path template = base.resolve("src/homework/template/java").resolve(folder).resolve(e.name() + ".java");
            cases.add(new Case("template " + e.name(), List.of(template), e, true));
            Path wrongDir = base.resolve("src/homework/wrong").resolve(e.name());
            if (Files.isDirectory(wrongDir)) {
                try (Stream<Path> mistakes = Files.list(wrongDir)) {
                    for (Path mistake : mistakes.filter(Files::isDirectory).sorted().toList()) {
                        cases.add(new Case("wrong " + e.name() + "/" + mistake.getFileName(),
                                ModuleBuild.javaFiles(mistake), e, false));
                    }
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_PARALLEL, cases.size())));
        List<DynamicTest> tests = new ArrayList<>();
        try {
            List<CompletableFuture<FixtureRun.Outcome>> outcomes = cases.stream().map(c -> CompletableFuture.supplyAsync(
                    () -> {
                        long start = System.nanoTime();
                        FixtureRun.Outcome o = FixtureRun.run(c.sources(), c.exercise().pkg(), c.exercise().name(),
                                base.resolve("target/classes"), base.resolve("target/test-classes"),
                                base.resolve("target/homework-checks"), classPath, FIXTURE_LIMIT, !c.template());
                        System.out.printf("%-60s %6d ms%n", c.label(), (System.nanoTime() - start) / 1_000_000);
                        return o;
                    }, pool)).toList();
            outcomes.forEach(CompletableFuture::join);
            long waiting = System.nanoTime();
            FixtureRun.awaitLeftBehind(Duration.ofSeconds(20)); // no test after this one shares the JVM with their sockets
            System.out.printf("%-60s %6d ms%n", "(graded runs still going after their first failure)",
                    (System.nanoTime() - waiting) / 1_000_000);
            for (Exercise e : exercises) {
                tests.add(answerKeyGuarded(e));
            }
            for (int i = 0; i < cases.size(); i++) {
                tests.add(fails(cases.get(i), outcomes.get(i).join()));
            }
        } finally {
            pool.shutdown();
        }
        return tests.stream();
    }

    private static DynamicTest fails(Case c, FixtureRun.Outcome o) {
        return dynamicTest(c.label() + " fails its graded tests", () -> {
            assertThat(o.error()).as("%s: %s", c.label(), o.error()).isNull();
            if (o.timedOut() && o.checks().stream().noneMatch(Check::failed)) {
                // still running at FIXTURE_LIMIT (a machine far busier than the build's, load 15 on 2 cores once):
                // the grader scores a run that outlives its limit 0, so it loses its points all the same
                return;
            }
            List<Check> checks = o.violations().isEmpty() ? o.checks()
                    : o.checks().stream().map(k -> k.failedBecause(o.violations().get(0))).toList();
            assertThat(checks).as("%s ran its graded tests", c.label()).isNotEmpty();
            assertThat(checks).as("%s must fail at least one graded test (else the tests miss this mistake): %s",
                    c.label(), checks).anyMatch(Check::failed);
            if (c.template()) {
                checks.stream().filter(Check::failed).forEach(k -> assertThat(k.message())
                        .as("%s: a template fails with the TODO hint", c.label()).startsWith("Not done yet: TODO"));
            }
            if (c.label().contains("/" + ANSWER_KEY_MISTAKE)) {
                assertThat(checks).as("%s fails because it calls the course's own code (the answer key)", c.label())
                        .anyMatch(k -> k.failed() && k.message().contains("is the answer key"));
            }
        });
    }

    /**
     * The exercise's graded test registers a {@link HomeworkAnswerKey} for the exercise's class, and the class this
     * build compiled (the reference solution; the template in a handout) does not use the answer key.
     */
    private static DynamicTest answerKeyGuarded(Exercise e) {
        return dynamicTest(e.name() + "GradedTest guards its answer key", () -> {
            Class<?> graded = Class.forName(e.pkg() + "." + e.name() + "GradedTest");
            Optional<HomeworkAnswerKey> key = FixtureRun.answerKey(graded);
            assertThat(key).as("%s needs a static HomeworkAnswerKey field for %s (see INSTRUCTORS.md, the answer-key"
                    + " rule)", graded.getSimpleName(), e.name()).isPresent();
            assertThat(key.get().answer().getSimpleName()).as("the class %s's answer key guards", graded.getSimpleName())
                    .isEqualTo(e.name());
            assertThat(key.get().violation()).as("the %s this build compiled (the reference solution; the template in a"
                    + " handout) uses the course's own code", e.name()).isEmpty();
        });
    }
}
