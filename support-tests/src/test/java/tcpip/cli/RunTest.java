package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The exec:exec launcher's search for a program in the other modules' sources. */
@Timeout(30)
class RunTest {

    @TempDir
    Path root;

    private Path source(String relative) throws Exception {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, "public class " + f.getFileName().toString().replace(".java", "") + " {}");
    }

    @Test
    void findsAProgramInAnotherModulesMainOrHomeworkSourcesOnly() throws Exception {
        source("chapter09-demo/src/main/java/tcpip/demo/DemoServer.java");
        source("chapter09-demo/src/homework/template/java/tcpip/demo/homework/Exercise.java");
        source("chapter09-demo/src/test/java/tcpip/demo/OnlyATest.java");
        source("chapter09-demo/target/generated/src/main/java/tcpip/demo/Built.java");
        source(".hidden/src/main/java/tcpip/demo/Hidden.java");
        assertThat(Run.existsAnywhere(root, "DemoServer")).isTrue();
        assertThat(Run.existsAnywhere(root, "tcpip.demo.DemoServer")).as("by its full name").isTrue();
        assertThat(Run.existsAnywhere(root, "Exercise")).isTrue();
        assertThat(Run.existsAnywhere(root, "OnlyATest")).as("a test class is no program").isFalse();
        assertThat(Run.existsAnywhere(root, "Built")).as("build output holds no sources").isFalse();
        assertThat(Run.existsAnywhere(root, "Hidden")).as("nor do hidden folders").isFalse();
        assertThat(Run.existsAnywhere(root, "NoSuchProgram")).isFalse();
    }

    /**
     * A build running beside the launcher (the parallel build's tests) creates and removes folders in target/ while it
     * looks: once the launcher died of a NoSuchFileException for a folder the grader had just moved.
     */
    @Test
    void aBuildChangingItsOutputMeanwhileDoesNotStopTheSearch() throws Exception {
        source("chapter09-demo/src/main/java/tcpip/demo/DemoServer.java");
        Path output = Files.createDirectories(root.resolve("chapter09-demo/target/homework-checks"));
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch churning = new CountDownLatch(1);
        Thread churn = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 1_000_000 && !stop.get(); i++) { // bounded: the test's timeout ends it first
                try {
                    Path fresh = Files.createDirectories(output.resolve("fresh-" + i + "/a/b"));
                    Files.writeString(fresh.resolve("C.class"), "x");
                    churning.countDown();
                    Files.delete(fresh.resolve("C.class"));
                    Files.delete(fresh);
                    Files.delete(fresh.getParent());
                    Files.delete(fresh.getParent().getParent());
                } catch (Exception e) {
                    // the next round
                }
            }
        });
        try {
            assertThat(churning.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 300; i++) {
                assertThat(Run.existsAnywhere(root, "DemoServer")).isTrue();
                assertThat(Run.existsAnywhere(root, "NoSuchProgram")).isFalse();
            }
        } finally {
            stop.set(true);
            churn.join(10_000);
        }
    }
}
