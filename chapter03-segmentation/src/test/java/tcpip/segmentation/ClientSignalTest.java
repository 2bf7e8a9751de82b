package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.segmentation.buffers.BlockedWriterClient;
import tcpip.segmentation.buffers.BufferSizeClient;
import tcpip.segmentation.framing.LengthPrefixClient;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.WriteBurstClient;
import tcpip.segmentation.mss.MssClient;
import tcpip.segmentation.nagle.NagleClient;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.testing.SignalStop;

/**
 * Red-team finding: WriteBurstClient, NagleClient, BlockedWriterClient and BufferSizeClient, stopped by SIGTERM
 * (or Ctrl-C) mid-run, ended with no line at all. Every client of this chapter (and the load tool BulkSender),
 * each in its own JVM, is stopped by SIGTERM while it really waits on a server that accepted and then stalls
 * (bytes it sent sit unread in the server's receive queue; MssClient, whose 1 MiB fits in the kernel's buffers,
 * waits in connect() for a listener whose accept queue is full: its SYN_SENT row): exactly one line on stderr
 * naming it ("stopped by a signal"), no stack trace, and the JVM's status for SIGTERM, 143.
 */
@Timeout(120)
class ClientSignalTest {

    @TempDir
    Path logs;

    /** A client, its arguments after {@code --port N}, and how to tell it is mid-run; null: it waits for a stall. */
    private record Case(Class<?> main, List<String> args) {
    }

    @Test
    void everyClientStoppedBySigtermMidRunSaysOneLineAndExitsNonZero() throws Exception {
        List<Case> cases = List.of(
                new Case(WriteBurstClient.class, List.of("--size", "32M")),
                new Case(NagleClient.class, List.of("--read-timeout", "60s")),
                new Case(BlockedWriterClient.class, List.of("--total", "1G", "--timeout", "60s")),
                new Case(BufferSizeClient.class, List.of("--send", "32M")),
                new Case(StreamClient.class, List.of("--bytes", "32M")),
                new Case(LineClient.class, List.of("--read-timeout", "60s")),
                new Case(LengthPrefixClient.class, List.of("--read-timeout", "60s")),
                new Case(BulkSender.class, List.of("--duration", "60s")),
                new Case(MssClient.class, List.of()));
        assertThat(cases.stream().map(c -> c.main().getSimpleName()).filter(n -> n.endsWith("Client")).sorted())
                .as("every client of the chapter has a case here")
                .containsExactlyElementsOf(SignalStop.clientMains(StreamClient.class));
        List<Callable<SignalStop.Result>> runs = new ArrayList<>();
        for (Case c : cases) {
            runs.add(() -> c.main() == MssClient.class ? stopInConnect(c) : stopMidTransfer(c));
        }
        List<String> problems = SignalStop.inParallel(runs, SignalStop.AT_ONCE).stream()
                .map(r -> r.problem("stopped by a signal", SignalStop.SIGTERM_STATUS)).filter(Objects::nonNull).toList();
        assertThat(problems).as("clients that broke the rule").isEmpty();
    }

    /** Against its own server that accepts and stalls: mid-run once bytes it sent wait unread there. */
    private SignalStop.Result stopMidTransfer(Case c) throws Exception {
        try (SignalStop.StallingServer server = SignalStop.StallingServer.start()) {
            return SignalStop.stop(c.main(), args(c, server.port()), null, logs, out -> server.holds(1), SignalStop.LIMIT);
        }
    }

    /** Against a listener whose accept queue is full: mid-run once its SYN waits unanswered (SYN_SENT). */
    private SignalStop.Result stopInConnect(Case c) throws Exception {
        List<Socket> fillers = new ArrayList<>();
        try (ServerSocket full = new ServerSocket()) {
            // backlog 1: the accept queue holds two connections nobody accepts; the next SYN is dropped
            full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            for (int i = 0; i < 2; i++) {
                fillers.add(new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort()));
            }
            int port = full.getLocalPort();
            return SignalStop.stop(c.main(), args(c, port), null, logs, out -> synSentTo(port), SignalStop.LIMIT);
        } finally {
            for (Socket s : fillers) {
                s.close();
            }
        }
    }

    private static List<String> args(Case c, int port) {
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--lang", "en"));
        args.addAll(c.args());
        return args;
    }

    /** True once a connection to {@code port} waits in SYN_SENT: its SYN was dropped, connect() is retrying. */
    private static boolean synSentTo(int port) {
        return SocketTable.read(r -> r.remotePort() == port && r.state() == TcpState.SYN_SENT).size() > 0;
    }
}
