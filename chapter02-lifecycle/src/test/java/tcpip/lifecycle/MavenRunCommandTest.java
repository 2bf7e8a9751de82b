package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.CommandRun;
import tcpip.testing.ReadmeCommands;

/**
 * The READMEs' run pattern, through Maven for real once: {@code ./mvnw -q -pl MODULE -am compile
 * exec:exec -Dmain=NAME}. (The README doc test translates such lines into plain java runs for speed; this
 * catches what only Maven does: toolchain selection, dependency resolution at the compile phase,
 * the launcher staying silent in the modules -am adds, and the program's standard input.)
 *
 * <p>One Maven run serves both checks (a Maven start costs seconds of CPU): three stages of a demo,
 * without {@code --no-pause}, with no input.
 */
class MavenRunCommandTest {

    /** Three stages: the first pause sees end of input, the other two must still run. */
    private static final String ARGS = "--lang en --only refused,retry,packets";
    private static CommandRun run;

    /** The one Maven run, made by whichever check comes first. */
    private static synchronized CommandRun run() {
        if (run == null) {
            // Not offline (-o): on a first-ever build the exec plugin is not in the local repository yet,
            // and this must work exactly as a learner's first run command does.
            run = CommandRun.run(ReadmeCommands.root(), 240, "./mvnw", "-q", "-B", "-pl", "chapter02-lifecycle", "-am",
                    "compile", "exec:exec", "-Dmain=LifecycleDemo", "-Dargs=" + ARGS);
        }
        return run;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void runPatternWorksThroughTheWrapper() {
        assumeTrue(Files.isExecutable(ReadmeCommands.root().resolve("mvnw")), "no Maven wrapper in this tree");
        CommandRun r = run();
        assertThat(r.exitCode()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).contains("Connection refused").doesNotContain("[ERROR]");
    }

    /**
     * A demo run without {@code --no-pause} and without input (stdin is /dev/null, as in CI or a script) must not wait
     * for an Enter that never comes: exec:exec hands the program Maven's own stdin (inheritIo), so the first read sees
     * end of input and the demo carries on. (Maven's stdin pump never passes end of input on: this used to hang.)
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aPausingDemoWithoutInputRunsToTheEnd() {
        assumeTrue(Files.isExecutable(ReadmeCommands.root().resolve("mvnw")), "no Maven wrapper in this tree");
        CommandRun r = run();
        assertThat(r.exitCode()).as("exit code; output:%n%s", r.output()).isZero();
        assertThat(r.output()).as("the pause prompt, then the last stage").contains("[Enter]")
                .contains("SYN, SYN+ACK, ACK on the wire").doesNotContain("[ERROR]");
        assertThat(r.output().lines().filter(l -> l.startsWith("=== ")).count()).as("stage headers").isEqualTo(3);
    }
}
