package tcpip.lifecycle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * A server that listens but never calls accept(): clients still connect, because the kernel does
 * the handshake; with backlog N, Linux completes N+1 connections and then drops further SYNs.
 */
public final class NonAcceptingServer {

    private static final int DEFAULT_PORT = 7102;
    private static final int DEFAULT_BACKLOG = 2;
    private static final Duration POLL = Duration.ofMillis(50);

    private NonAcceptingServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("NonAcceptingServer",
                "Listens and never calls accept(); prints the accept queue as the kernel fills it.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> backlog = cli.intOption("--backlog", DEFAULT_BACKLOG, 1, 4_096,
                "accept-queue length asked for in listen() (Linux completes one more)");
        Cli.Option<Duration> duration = cli.durationOption("--duration", Duration.ofMinutes(10),
                "stop after this long (Ctrl-C stops earlier)");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=NonAcceptingServer -Dargs=\"--port 7103 --backlog 2\"");
        cli.parse(args);
        cli.run(() -> listen(Narrator.stdout(), bind.get(), port.get(), backlog.get(), duration.get()));
    }

    /** Listens without accepting until {@code duration} passed or Ctrl-C. */
    static void listen(Narrator n, String bind, int port, int backlog, Duration duration)
            throws IOException, InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket()) {
            // listen(fd, backlog): the kernel completes handshakes into a queue of this length (+1).
            server.bind(new InetSocketAddress(bind, port), backlog);
            int listening = server.getLocalPort();
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            n.program("server.bind(" + bind + ":" + listening + ", backlog " + backlog + "); accept() is never called");
            n.note("connect with: HandshakeClient --port " + listening + " --connections " + (backlog + 2)
                    + " --timeout 1s   (expect " + (backlog + 1) + " to connect, the next to time out)");
            if (!n.available()) {
                stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            long last = -1;
            long deadline = System.nanoTime() + duration.toNanos();
            while (System.nanoTime() < deadline) {
                SocketRow row = SocketTable.listener(listening).orElse(null);
                if (row != null && row.rxQueue() != last) {
                    last = row.rxQueue();
                    report(n, listening, backlog, row);
                }
                if (stop.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    break; // Ctrl-C
                }
            }
        }
    }

    private static void report(Narrator n, int port, int backlog, SocketRow listener) {
        n.kernel("accept queue = " + listener.rxQueue() + " (backlog " + backlog + "): " + listener.describe());
        List<SocketRow> waiting = SocketTable.read(r -> r.localPort() == port && r.state() == TcpState.ESTABLISHED);
        waiting.forEach(n::row);
        if (listener.rxQueue() > backlog) {
            n.note("queue holds backlog + 1 = " + listener.rxQueue() + ": full. The kernel now drops new SYNs;"
                    + " the next client's connect() hears nothing and times out");
        }
    }
}
