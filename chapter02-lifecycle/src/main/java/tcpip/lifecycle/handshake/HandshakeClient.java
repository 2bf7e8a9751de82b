package tcpip.lifecycle.handshake;


import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.KernelRows;
import tcpip.kernel.SynRetrySchedule;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;
import tcpip.net.Closeables;

/**
 * Opens connections one after another and reports, for each, the ephemeral port, how long
 * connect() took and both ends' rows; or how it failed: refused (RST came back), timed out (no
 * answer at all) or another failure (article: 소켓 연결 설정, Three way handshake). Core:
 * {@link HandshakeCore}. Exits 1 with one line when a connection failed.
 */
public final class HandshakeClient {

    private static final int DEFAULT_PORT = 7102;
    private static final int MAX_CONNECTIONS = 1_000;
    /** How long to wait for the server's end of a connection to show up in the table. */
    private static final Duration ROW_WAIT = Duration.ofSeconds(2);

    /** How one connect() ended. */
    public enum Outcome {
        /** SYN+ACK came back: the kernel finished the handshake. */
        CONNECTED,
        /** RST came back: nobody listens on that port ("Connection refused", ECONNREFUSED). */
        REFUSED,
        /** Nothing came back: our timeout ran out, or the kernel gave up resending SYNs (ETIMEDOUT). */
        TIMED_OUT,
        /** Anything else: no route, network unreachable, a local error. */
        FAILED
    }

    /** One connect() attempt: how it ended, how long it took, the local port (0 if none) and why. */
    public record Attempt(Outcome outcome, Duration took, int localPort, String why) {
    }

    private HandshakeClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("HandshakeClient", Msg.get("HandshakeClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> connections = cli.intOption("--connections", 1, 1, MAX_CONNECTIONS,
                Msg.get("HandshakeClient.opt.connections"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(3), Duration.ZERO,
                Cli.MAX_DURATION, Msg.get("HandshakeClient.opt.timeout"));
        Cli.Option<Duration> hold = cli.durationOption("--hold", Duration.ZERO, Duration.ZERO, Cli.MAX_DURATION,
                Msg.get("HandshakeClient.opt.hold"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeClient -Dargs=\"--port 7102\"");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeClient -Dargs=\"--port 7103 --connections 4 --timeout 1s\"");
        cli.parse(args);
        cli.run(() -> {
            List<Attempt> attempts = connectAll(Narrator.stdout(), host.get(), port.get(), connections.get(),
                    timeout.get(), hold.get());
            Attempt last = attempts.get(attempts.size() - 1);
            if (last.outcome() != Outcome.CONNECTED) {
                String key = switch (last.outcome()) {
                    case REFUSED -> "HandshakeClient.failure.refused";
                    case TIMED_OUT -> "HandshakeClient.failure.timedOut";
                    default -> "HandshakeClient.failure.failed";
                };
                System.err.println(Msg.get(key, attempts.size(), Endpoint.text(new InetSocketAddress(host.get(), port.get())),
                        Narrator.human(last.took()),
                        last.why()));
                Cli.exit(Cli.EXIT_FAILURE);
            }
        });
    }

    /** Opens up to {@code count} connections, stopping at the first failure; holds, then closes them all. */
    public static List<Attempt> connectAll(Narrator n, String host, int port, int count, Duration timeout,
            Duration hold) {
        List<Attempt> attempts = new ArrayList<>();
        List<Socket> open = new ArrayList<>();
        SynRetrySchedule schedule = SynRetrySchedule.ofThisKernel();
        if (timeout.isZero()) {
            n.note(Msg.get("HandshakeClient.noTimeout", schedule.describe()));
        }
        try {
            for (int i = 1; i <= count; i++) {
                long start = System.nanoTime();
                try {
                    Socket socket = HandshakeCore.connect(new InetSocketAddress(host, port), timeout);
                    open.add(socket);
                    attempts.add(connected(n, i, socket, port, Duration.ofNanos(System.nanoTime() - start)));
                } catch (IOException e) {
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    Attempt failed = failed(n, i, e, took, timeout, schedule);
                    attempts.add(failed);
                    break;
                }
            }
            if (!open.isEmpty() && hold.isPositive()) {
                n.program(Msg.get("HandshakeClient.holding", open.size(), Narrator.human(hold)));
                LockSupport.parkNanos(hold.toNanos()); // the pause is the point: time to look from outside
            }
        } finally {
            open.forEach(Closeables::closeQuietly);
        }
        return attempts;
    }

    /** Sorts a failed connect(): RST (refused), silence (timed out), or something else. */
    public static Outcome classify(IOException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (e instanceof SocketTimeoutException || (e instanceof ConnectException && message.contains("timed out"))) {
            return Outcome.TIMED_OUT;
        }
        if (e instanceof ConnectException && message.contains("refused")) {
            return Outcome.REFUSED;
        }
        return Outcome.FAILED;
    }

    private static Attempt failed(Narrator n, int number, IOException e, Duration took, Duration timeout,
            SynRetrySchedule schedule) {
        Outcome outcome = classify(e);
        n.result(Msg.get("HandshakeClient.failed", number, Cli.describe(e), Narrator.human(took)));
        String why = switch (outcome) {
            case REFUSED -> Msg.get("HandshakeClient.why.refused");
            case TIMED_OUT -> e instanceof SocketTimeoutException
                    ? Msg.get("HandshakeClient.why.dropped", schedule.synsWithin(timeout), Narrator.human(timeout))
                    : Msg.get("HandshakeClient.why.gaveUp", schedule.retransmissions());
            case FAILED -> e instanceof NoRouteToHostException ? Msg.get("HandshakeClient.why.noRoute")
                    : Msg.get("HandshakeClient.why.other");
            case CONNECTED -> "";
        };
        n.kernel(why);
        return new Attempt(outcome, took, 0, why);
    }

    private static Attempt connected(Narrator n, int number, Socket socket, int serverPort, Duration took) {
        int localPort = socket.getLocalPort();
        n.result(Msg.get(number == 1 ? "HandshakeClient.connected.first" : "HandshakeClient.connected", number,
                Narrator.human(took), localPort));
        if (n.available()) {
            showRows(n, number, localPort, serverPort);
        }
        return new Attempt(Outcome.CONNECTED, took, localPort, "");
    }

    /** Prints our row, the server's end of the connection and the server's LISTEN row. */
    private static void showRows(Narrator n, int number, int localPort, int serverPort) {
        SocketTable.connection(localPort, serverPort).ifPresent(row -> {
            n.row(row);
            if (number == 1) {
                n.note(KernelRows.whereFrom(row));
            }
        });
        try {
            // The server's end turns ESTABLISHED when our final ACK has been processed.
            SocketRow serverEnd = KernelAwait.await(serverPort, localPort, TcpState.ESTABLISHED, ROW_WAIT);
            n.row(serverEnd);
        } catch (TimeoutException e) {
            n.kernel(Msg.get("HandshakeClient.remote"));
            return;
        }
        SocketTable.listener(serverPort).ifPresent(row -> n.kernel(Msg.get("HandshakeClient.listenRow", row.rxQueue(),
                row.describe())));
    }
}
