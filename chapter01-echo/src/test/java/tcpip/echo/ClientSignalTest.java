package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.nio.NioEchoClient;
import tcpip.testing.SignalStop;

/**
 * Every client of this chapter, in each of its modes (EchoClient's lines, --ping and --load, the load tools), in
 * its own JVM, stopped by SIGTERM while it really waits on a server that accepted and then stalls (what it sent
 * sits unread in the server's receive queue): exactly one line on stderr naming it, no stack trace, and the JVM's
 * status for SIGTERM, 143. EchoClient's line is Cli's "stopped by a signal"; NioEchoClient keeps its own
 * ("interrupted before the input ended; connection closed"), never both.
 */
@Timeout(120)
class ClientSignalTest {

    /** Child JVMs at once: the machine may have 2 cores, and other modules' tests run meanwhile. */
    private static final int AT_ONCE = 2;

    @TempDir
    Path logs;

    /** A client, its arguments after {@code --port N}, its stdin (or null), and the words its one line has. */
    private record Case(Class<?> main, List<String> args, String stdin, String words) {
    }

    @Test
    void everyClientStoppedBySigtermMidRunSaysOneLineAndExitsNonZero() throws Exception {
        List<String> timeout = List.of("--timeout", "60s");
        List<Case> cases = List.of(
                new Case(EchoClient.class, List.of("--message", "hello", "--timeout", "60s"), null, "stopped by a signal"),
                new Case(EchoClient.class, List.of("--ping", "100", "--timeout", "60s"), null, "stopped by a signal"),
                new Case(EchoClient.class, List.of("--load", "3", "--timeout", "60s"), null, "stopped by a signal"),
                new Case(NioEchoClient.class, timeout, "hello\n", "interrupted before the input ended"));
        assertThat(cases.stream().map(c -> c.main().getSimpleName()).distinct().sorted())
                .as("every client of the chapter has a case here")
                .containsExactlyElementsOf(SignalStop.clientMains(EchoClient.class));
        List<Callable<String>> runs = new ArrayList<>();
        for (Case c : cases) {
            runs.add(() -> {
                try (SignalStop.StallingServer server = SignalStop.StallingServer.start()) {
                    List<String> args = new ArrayList<>(List.of("--port", String.valueOf(server.port()), "--lang", "en"));
                    args.addAll(c.args());
                    String problem = SignalStop.stop(c.main(), args, c.stdin(), logs, out -> server.holds(1), SignalStop.LIMIT)
                            .problem(c.words(), SignalStop.SIGTERM_STATUS);
                    return problem == null ? null : problem + " (" + String.join(" ", c.args()) + ")";
                }
            });
        }
        List<String> problems = SignalStop.inParallel(runs, AT_ONCE).stream().filter(Objects::nonNull).toList();
        assertThat(problems).as("clients that broke the rule").isEmpty();
    }
}
