package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Cli;
import tcpip.cli.PrivateNetwork;

/**
 * A README line run in the shared child JVM (CliFuzz.runOne) ends as it would in a process of its own: its
 * exit code, its output, an empty stdin, and a thread that would keep its JVM alive counts as still running.
 * Here, not in course-testing: the child runs mains in-process only where the course's Cli is on the class path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChildRunTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** Prints its arguments and returns. */
    public static final class Says {
        public static void main(String[] args) {
            System.out.println("said " + String.join(" ", args));
        }
    }

    /** Ends through Cli.exit, as every course main does on a failure. */
    public static final class Fails {
        public static void main(String[] args) {
            System.err.println("Fails: no");
            Cli.exit(3);
        }
    }

    /** Reads stdin to its end. */
    public static final class Reads {
        public static void main(String[] args) throws IOException {
            System.out.println("read " + System.in.readAllBytes().length + " bytes");
        }
    }

    /** Returns, but leaves a thread that is not a daemon: as a process, it would never exit. */
    public static final class LeavesAThread {
        public static void main(String[] args) {
            Thread.ofPlatform().daemon(false).start(() -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /** May continue in a private network namespace, which only a process of its own can do. */
    public static final class MovesToANamespace {
        public static void main(String[] args) {
            PrivateNetwork.enter(args);
        }
    }

    @Test
    void aMainThatMayMoveToANamespaceRunsAsAProcessOfItsOwn() {
        assertThat(ForegroundCommand.movesToANamespace(MovesToANamespace.class.getName())).isTrue();
        assertThat(ForegroundCommand.movesToANamespace(Says.class.getName())).isFalse();
    }

    @Test
    void aMainThatReturnsExitsZeroWithItsOutput() {
        CommandRun r = CliFuzz.runOne(Says.class.getName(), List.of("a", "b"), LIMIT);
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("said a b");
    }

    @Test
    void aMainThatFailsGivesItsExitCodeAndItsError() {
        CommandRun r = CliFuzz.runOne(Fails.class.getName(), List.of(), LIMIT);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains("Fails: no");
    }

    @Test
    void stdinIsEmptyNotTheChildsCommands() {
        CommandRun r = CliFuzz.runOne(Reads.class.getName(), List.of(), LIMIT);
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("read 0 bytes");
        assertThat(CliFuzz.runOne(Says.class.getName(), List.of("after"), LIMIT).output())
                .as("the child still takes commands").contains("said after");
    }

    @Test
    void aThreadThatWouldKeepTheJvmAliveCountsAsStillRunning() {
        CommandRun r = CliFuzz.runOne(LeavesAThread.class.getName(), List.of(), LIMIT);
        assertThat(r.exitCode()).as("a main whose process would not exit").isEqualTo(-1);
        assertThat(CliFuzz.runOne(Says.class.getName(), List.of("again"), LIMIT).output())
                .as("a new child takes the next line").contains("said again");
    }

    @Test
    void anUnknownClassIsOneClearLine() {
        CommandRun r = CliFuzz.runOne("no.such.Main", List.of(), LIMIT);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output()).contains("no.such.Main");
    }
}
