package tcpip.testing;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tcpip.testing.grading.Exercise;
import tcpip.testing.grading.FixtureChecks;

/**
 * A chapter's homework checks, run with its tests ({@code class HomeworkChecksTest extends HomeworkChecks {}} in the
 * homework test package). By default (the build, CI) every template and every wrong solution must fail its graded
 * tests ({@link FixtureChecks}). With {@code -Dhomework.prepare=DIR} (what {@code ./homework grade} and {@code check}
 * pass) it first writes {@code DIR/MODULE.properties}: the module's test class path and JDK, before any submitted
 * code runs, for the grader ({@code tcpip.testing.grading.Grade}), which grades each exercise in a JVM of its own;
 * {@code -Dhomework.fixtures=false} then skips the fixture checks.
 */
public abstract class HomeworkChecks {

    static final Path BASE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    static final String CLASSPATH = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

    @TestFactory
    public Stream<DynamicTest> homework() throws IOException {
        String prepare = System.getProperty("homework.prepare", "");
        Stream<DynamicTest> prepared = Stream.empty();
        if (!prepare.isBlank()) {
            prepare(Path.of(prepare));
            prepared = Stream.of(dynamicTest("the grader knows how " + BASE.getFileName() + " was built", () -> {
            }));
        }
        boolean fixtures = !"false".equals(System.getProperty("homework.fixtures", "true"));
        return fixtures ? Stream.concat(prepared, new FixtureChecks(BASE, CLASSPATH).tests()) : prepared;
    }

    /** Writes what the grader needs to know about this module's build. */
    private static void prepare(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("module", BASE.getFileName().toString());
        p.setProperty("basedir", BASE.toString());
        p.setProperty("package", Exercise.homeworkPackage(BASE));
        p.setProperty("java.home", System.getProperty("java.home"));
        p.setProperty("classpath", CLASSPATH);
        p.setProperty("jvm.flags", System.getProperty("tcpip.child.jvm.flags", ""));
        Files.createDirectories(dir);
        try (Writer w = Files.newBufferedWriter(dir.resolve(BASE.getFileName() + ".properties"), StandardCharsets.UTF_8)) {
            p.store(w, "written by HomeworkChecksTest for ./homework (tcpip.testing.grading.Grade)");
        }
    }
}
