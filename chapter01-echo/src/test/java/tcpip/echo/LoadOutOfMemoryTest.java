package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.echo.blocking.EchoClient;
import tcpip.testing.SignalStop;

/**
 * Red-team finding: {@code EchoClient --load} with a small heap ({@code -Xmx16m}) printed OutOfMemoryError stack
 * traces from its load threads and exited 0 (the errors were in threads; the count it reports stayed at 0). Now a
 * load that can never fit (200 connections of 1 MiB messages) is Cli's "not enough memory" line before any
 * connection, and one that fits on paper but not in the heap (one connection, a 6 MiB message and its 6 MiB echo)
 * ends from its load thread in one line too: exit 1, no stack trace, either way.
 */
@Timeout(60)
class LoadOutOfMemoryTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path logs;

    @Test
    void loadsTooBigForTheHeapEndInOneLineAndExitOne() throws Exception {
        try (SignalStop.StallingServer server = SignalStop.StallingServer.start()) {
            List<String> common = List.of("--lang", "en", "--port", String.valueOf(server.port()), "--timeout", "5s");
            List<Callable<SignalStop.Result>> runs = List.of(
                    () -> ended(common, "--load", "200", "--size", "1M"),
                    () -> ended(common, "--load", "1", "--size", "6M"));
            List<SignalStop.Result> r = SignalStop.inParallel(runs, 2);
            SoftAssertions.assertSoftly(soft -> {
                for (SignalStop.Result one : r) {
                    soft.assertThat(one.stderr()).as("no stack trace").doesNotContain("\tat ")
                            .doesNotContain("Exception in thread");
                    soft.assertThat(one.stderr().strip().lines().count()).as("lines on stderr: %s", one.stderr())
                            .isEqualTo(1);
                    soft.assertThat(one.stderr()).startsWith("EchoClient: ");
                    soft.assertThat(one.exitCode()).as("exit status; stderr: %s", one.stderr()).isEqualTo(1);
                }
                soft.assertThat(r.get(0).stderr()).startsWith("EchoClient: not enough memory: this JVM's heap holds");
            });
            assertThat(r).hasSize(2);
        }
    }

    /** EchoClient with {@code args} in a JVM with a 16 MiB heap, until it ends by itself. */
    private SignalStop.Result ended(List<String> common, String... args) throws Exception {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(args));
        return SignalStop.stop(EchoClient.class, all, null, logs, out -> false, LIMIT, "-Xmx16m");
    }
}
