package tcpip.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.testing.SignalStop;

/**
 * {@link Cli#run} as the one home of how a main ends ({@link Ending}), each case in its own JVM: a thread the
 * body started that dies (of an exception, or of an OutOfMemoryError) is one line and exit 1, never a stack
 * trace and exit 0; SIGTERM while the body runs is one line ("stopped by a signal"), the program's own line
 * instead ({@link Cli#onSignal}), or none for a program a signal ends ({@link Cli#endsBySignal}, every server),
 * with the JVM's status 143; a server's dying thread is one line and the server goes on; and a program that said
 * its own line and called {@link Cli#exit} gets no second one.
 */
@Timeout(60)
class EndingTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final int SIGTERM_STATUS = 143;

    @TempDir
    Path logs;

    /** A main like the course's: one mode per argument. */
    public static final class Ends {
        public static void main(String[] args) {
            Cli cli = new Cli("Ends", "ends in the way asked for");
            Cli.Option<String> mode = cli.stringOption("--mode", "block", "how");
            cli.parse(args);
            if (mode.get().equals("own-line")) {
                cli.onSignal(() -> "Ends: my own line");
            } else if (mode.get().startsWith("server")) {
                cli.endsBySignal();
            } else if (mode.get().equals("no-run")) {
                System.out.println("ended without run()");
                return; // a main that never calls run(): its normal end prints no signal line
            } else if (mode.get().equals("before-run")) {
                System.out.println("parsed, not yet running");
                awaitForever(); // a SIGTERM here, before run() (the red team's 50 ms): still its line
            }
            cli.run(() -> {
                switch (mode.get()) {
                    case "thread-oom" -> join(Thread.ofPlatform().start(() -> System.out.println(new long[1 << 28].length)));
                    case "virtual-thread-fails" -> join(Thread.ofVirtual().start(() -> {
                        throw new IllegalStateException("broken in a thread");
                    }));
                    case "server-thread-fails" -> {
                        join(Thread.ofVirtual().start(() -> {
                            throw new IllegalStateException("one connection's thread broke");
                        }));
                        System.out.println("still serving");
                        new CountDownLatch(1).await(); // until a signal
                    }
                    case "says-and-exits" -> {
                        System.err.println("Ends: said it myself");
                        Cli.exit(3);
                    }
                    default -> {
                        System.out.println("running");
                        new CountDownLatch(1).await(); // until a signal
                    }
                }
            });
        }

        private static void awaitForever() {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void join(Thread t) throws InterruptedException {
            t.join();
        }
    }

    private Callable<SignalStop.Result> stopped(String mode) {
        return () -> SignalStop.stop(Ends.class, List.of("--mode", mode), null, logs, out -> !out.isBlank(), LIMIT);
    }

    private Callable<SignalStop.Result> ended(String mode, String... jvmFlags) {
        // never mid-run on purpose: the signal comes after the program ended by itself (or never, if it ends first)
        return () -> SignalStop.stop(Ends.class, List.of("--mode", mode), null, logs, out -> false, LIMIT, jvmFlags);
    }

    @Test
    void everyWayOfEndingIsOneLineOrNoneAndTheRightStatus() throws Exception {
        List<Callable<SignalStop.Result>> runs = new ArrayList<>(List.of(
                stopped("block"), stopped("own-line"), stopped("server"), stopped("server-thread-fails"),
                ended("thread-oom", "-Xmx16m"), ended("virtual-thread-fails"), ended("says-and-exits")));
        List<SignalStop.Result> r = SignalStop.inParallel(runs, 3);
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(r.get(0).problem("Ends: stopped by a signal (Ctrl-C, SIGTERM) before it finished",
                    SIGTERM_STATUS)).as("a signal").isNull();
            soft.assertThat(r.get(1).problem("Ends: my own line", SIGTERM_STATUS)).as("a signal, own line").isNull();
            soft.assertThat(r.get(2).stderr()).as("a server: a signal is its ordinary end").isEmpty();
            soft.assertThat(r.get(2).exitCode()).as("a server's status").isEqualTo(SIGTERM_STATUS);
            assertOneLine(soft, r.get(3), "Ends: IllegalStateException: one connection's thread broke", SIGTERM_STATUS);
            soft.assertThat(r.get(3).midRun()).as("a server goes on after a thread died").isTrue();
            assertOneLine(soft, r.get(4), "Ends: not enough memory: this JVM's heap holds at most ", 1);
            assertOneLine(soft, r.get(5), "Ends: IllegalStateException: broken in a thread", 1);
            assertOneLine(soft, r.get(6), "Ends: said it myself", 3);
        });
    }

    @Test
    void aSignalBeforeRunStartsIsOneLineAndAMainWithoutRunEndsSilently() throws Exception {
        List<SignalStop.Result> r = SignalStop.inParallel(List.of(stopped("before-run"), ended("no-run")), 2);
        SoftAssertions.assertSoftly(soft -> {
            assertOneLine(soft, r.get(0), "Ends: stopped by a signal (Ctrl-C, SIGTERM) before it finished",
                    SIGTERM_STATUS);
            soft.assertThat(r.get(1).stderr()).as("ended normally, never ran a body").isEmpty();
            soft.assertThat(r.get(1).exitCode()).as("its status").isZero();
        });
    }

    private static void assertOneLine(SoftAssertions soft, SignalStop.Result r, String line, int status) {
        soft.assertThat(r.stderr()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception in thread");
        soft.assertThat(r.stderr().strip().lines().count()).as("lines on stderr: %s", r.stderr()).isEqualTo(1);
        soft.assertThat(r.stderr()).as("the line").startsWith(line);
        soft.assertThat(r.exitCode()).as("exit status; stderr: %s", r.stderr()).isEqualTo(status);
    }
}
