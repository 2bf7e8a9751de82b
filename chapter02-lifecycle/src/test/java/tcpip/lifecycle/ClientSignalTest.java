package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.lifecycle.refused.RetryingConnectClient;
import tcpip.testing.SignalStop;

/**
 * Red-team finding: RetryingConnectClient, stopped by SIGTERM (or Ctrl-C) while retrying, ended with no line
 * at all. Every client of this chapter, each in its own JVM, is stopped by SIGTERM while it really is mid-run:
 * retrying against a port nobody listens on (it printed its first failed attempt), or connected to a server that
 * accepted and then stalls (waiting for a reply that never comes, holding its connections): exactly one line on
 * stderr naming it ("stopped by a signal"), no stack trace, and the JVM's status for SIGTERM, 143.
 */
@Timeout(120)
class ClientSignalTest {

    @TempDir
    Path logs;

    /** A client, its arguments after {@code --port N}, and how many connections the stalling server accepted mid-run. */
    private record Case(Class<?> main, List<String> args, IntPredicate midRun) {
    }

    @Test
    void everyClientStoppedBySigtermMidRunSaysOneLineAndExitsNonZero() throws Exception {
        List<Case> cases = List.of(
                new Case(RetryingConnectClient.class, List.of("--deadline", "60s"), null),
                new Case(LateAcceptClient.class, List.of("--connections", "3", "--timeout", "60s"), n -> n >= 3),
                new Case(HandshakeClient.class, List.of("--hold", "60s", "--timeout", "10s"), n -> n >= 1),
                new Case(BufferOptionsClient.class, List.of(), n -> n >= 1));
        assertThat(cases.stream().map(c -> c.main().getSimpleName()).sorted())
                .as("every client of the chapter has a case here")
                .containsExactlyElementsOf(SignalStop.clientMains(LateAcceptClient.class));
        List<Callable<SignalStop.Result>> runs = new ArrayList<>();
        for (Case c : cases) {
            runs.add(() -> c.midRun() == null ? stopWhileRetrying(c) : stopWhileWaiting(c));
        }
        List<String> problems = SignalStop.inParallel(runs, SignalStop.AT_ONCE).stream()
                .map(r -> r.problem("stopped by a signal", SignalStop.SIGTERM_STATUS)).filter(Objects::nonNull).toList();
        assertThat(problems).as("clients that broke the rule").isEmpty();
    }

    /** Against a server that accepts and stalls: mid-run once it accepted the client's connections. */
    private SignalStop.Result stopWhileWaiting(Case c) throws Exception {
        try (SignalStop.StallingServer server = SignalStop.StallingServer.start()) {
            return SignalStop.stop(c.main(), args(c, server.port()), null, logs,
                    out -> c.midRun().test(server.accepted()), SignalStop.LIMIT);
        }
    }

    /** Against a port nobody listens on (bound, then closed): mid-run once it printed its first failed attempt. */
    private SignalStop.Result stopWhileRetrying(Case c) throws Exception {
        int port;
        try (ServerSocket gone = new ServerSocket()) {
            gone.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = gone.getLocalPort();
        }
        return SignalStop.stop(c.main(), args(c, port), null, logs, out -> !out.isBlank(), SignalStop.LIMIT);
    }

    private static List<String> args(Case c, int port) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--lang", "en"));
        args.addAll(c.args());
        return args;
    }
}
