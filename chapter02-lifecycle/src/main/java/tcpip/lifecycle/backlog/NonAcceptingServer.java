package tcpip.lifecycle.backlog;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;

/**
 * A server that listens but never calls accept(): clients still connect, because the kernel does
 * the handshake; backlog N completes N+1, then SYNs are dropped. Core: {@link BacklogCore}. No
 * client can hurt it: it holds one descriptor whatever they do; it prints at most --rows rows.
 */
public final class NonAcceptingServer {

    private static final int DEFAULT_PORT = 7102;
    private static final int DEFAULT_ROWS = 10;
    private static final Duration POLL = Duration.ofMillis(50);

    private NonAcceptingServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("NonAcceptingServer", Msg.get("NonAcceptingServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> backlog = cli.intOption("--backlog", BacklogCore.SMALL_BACKLOG, 1, 4_096,
                Msg.get("NonAcceptingServer.opt.backlog"));
        Cli.Option<Duration> duration = cli.durationOption("--duration", Duration.ofMinutes(10),
                Msg.get("NonAcceptingServer.opt.duration"));
        Cli.Option<Integer> rows = cli.intOption("--rows", DEFAULT_ROWS, 0, 1_000,
                Msg.get("NonAcceptingServer.opt.rows"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=NonAcceptingServer -Dargs=\"--port 7103 --backlog 2\"");
        cli.parse(args);
        cli.run(() -> {
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            try (ServerSocket server = BacklogCore.listenWithoutAccepting(
                    new InetSocketAddress(bind.get(), port.get()), backlog.get())) {
                watch(Narrator.stdout(), server, backlog.get(), rows.get(), duration.get(), stop);
            }
        });
    }

    /** Prints the queue whenever it changes, until {@code duration} passed or {@code stop} counted down. */
    public static void watch(Narrator n, ServerSocket server, int backlog, int maxRows, Duration duration,
            CountDownLatch stop) throws InterruptedException {
        int listening = server.getLocalPort();
        n.program(Msg.get("NonAcceptingServer.listening", Endpoint.text(server.getLocalSocketAddress()), backlog));
        n.note(Msg.get("NonAcceptingServer.try", listening, backlog + 2, backlog + 1));
        if (!n.available()) {
            stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        String last = "";
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline && !server.isClosed()) {
            SocketRow row = SocketTable.listener(listening).orElse(null);
            // Report when the queue length changes, or when queued clients leave (CLOSE_WAIT).
            String now = row == null ? "" : row.rxQueue() + ":" + SocketTable.withLocalPort(listening).stream()
                    .filter(r -> r.state() == TcpState.CLOSE_WAIT).count();
            if (row != null && !now.equals(last)) {
                last = now;
                report(n, listening, backlog, maxRows, row);
            }
            if (stop.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                break; // Ctrl-C
            }
        }
    }

    private static void report(Narrator n, int port, int backlog, int maxRows, SocketRow listener) {
        n.kernel(Msg.get("NonAcceptingServer.queue", listener.rxQueue(), backlog, listener.describe()));
        List<SocketRow> waiting = SocketTable.withLocalPort(port).stream().filter(r -> r.state() != TcpState.LISTEN
                && r.inode() == 0 && r.state() != TcpState.TIME_WAIT).toList();
        waiting.stream().limit(maxRows).forEach(n::row);
        if (waiting.size() > maxRows) {
            n.kernel(Msg.get("NonAcceptingServer.moreRows", waiting.size() - maxRows, maxRows));
        }
        if (waiting.stream().anyMatch(r -> r.state() == TcpState.CLOSE_WAIT)) {
            n.note(Msg.get("NonAcceptingServer.closeWait"));
        }
        if (listener.rxQueue() > backlog) {
            n.note(Msg.get("NonAcceptingServer.full", listener.rxQueue()));
        }
    }
}
