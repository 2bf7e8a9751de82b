package tcpip.lifecycle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * Opens one or more connections and reports, for each, the ephemeral port the kernel chose, how
 * long connect() took and the rows of both ends; or why connect() failed: refused (RST) or timed
 * out (no answer) (article: 소켓 연결 설정, Three way handshake).
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
        /** RST came back: nobody listens on that port. */
        REFUSED,
        /** Nothing came back before the timeout: SYNs were dropped. */
        TIMED_OUT
    }

    /** One connect() attempt: how it ended, how long it took, and the local port it used (0 if none). */
    public record Attempt(Outcome outcome, Duration took, int localPort) {
    }

    private HandshakeClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HandshakeClient",
                "Connects and shows the ephemeral port, the time connect() took and the kernel's rows;"
                        + " reports refused and timed-out connects too (exit 0 once reported).");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> connections = cli.intOption("--connections", 1, 1, MAX_CONNECTIONS,
                "how many connections to open, one after another (stops at the first failure)");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(3),
                "connect timeout (0 = wait as long as the kernel retries SYNs, about two minutes)");
        Cli.Option<Duration> hold = cli.durationOption("--hold", Duration.ZERO,
                "keep the connections open this long before closing (to look at them with watch or ss)");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeClient -Dargs=\"--port 7102\"");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeClient -Dargs=\"--port 7103 --connections 4 --timeout 1s\"");
        cli.parse(args);
        // Refused and timed out are findings this program reports (exit 0), not errors.
        cli.run(() -> connectAll(Narrator.stdout(), host.get(), port.get(), connections.get(), timeout.get(),
                hold.get()));
    }

    /**
     * Opens up to {@code count} connections one after another, stopping at the first failure;
     * keeps them open for {@code hold}, then closes them all.
     */
    public static List<Attempt> connectAll(Narrator n, String host, int port, int count, Duration timeout,
            Duration hold) throws IOException {
        List<Attempt> attempts = new ArrayList<>();
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 1; i <= count; i++) {
                Socket socket = new Socket();
                Attempt attempt = connectOnce(n, socket, i, host, port, timeout);
                attempts.add(attempt);
                if (attempt.outcome() != Outcome.CONNECTED) {
                    socket.close();
                    break;
                }
                open.add(socket);
            }
            if (!open.isEmpty() && hold.isPositive()) {
                n.program("holding " + open.size() + " connection(s) open for " + Narrator.human(hold));
                // The pause is the point: it leaves time to look at the connections from outside.
                LockSupport.parkNanos(hold.toNanos());
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        return attempts;
    }

    private static Attempt connectOnce(Narrator n, Socket socket, int number, String host, int port,
            Duration timeout) throws IOException {
        InetSocketAddress server = new InetSocketAddress(host, port);
        long start = System.nanoTime();
        try {
            // connect(): the kernel picks a free local port, sends SYN, and returns once SYN+ACK has
            // arrived (it answers with the final ACK on its own).
            socket.connect(server, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (ConnectException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            n.result("connection " + number + ": " + Cli.describe(e) + " after " + Narrator.human(took));
            n.kernel("the server's kernel answered our SYN with RST: no socket listens on port " + port);
            return new Attempt(Outcome.REFUSED, took, 0);
        } catch (SocketTimeoutException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            n.result("connection " + number + ": " + Cli.describe(e) + " after " + Narrator.human(took));
            n.kernel("no answer at all: our SYN was dropped (on loopback: the server's accept queue is full)");
            return new Attempt(Outcome.TIMED_OUT, took, 0);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        int localPort = socket.getLocalPort();
        n.result("connection " + number + ": connect() returned after " + Narrator.human(took)
                + ", local port " + localPort + " (ephemeral: chosen by the kernel at connect())"
                + (number == 1 ? "; the first connect() in a JVM also loads the JDK's networking code" : ""));
        if (n.available()) {
            showRows(n, localPort, port);
        }
        return new Attempt(Outcome.CONNECTED, took, localPort);
    }

    /** Prints our row, the server's end of the connection and the server's LISTEN row. */
    private static void showRows(Narrator n, int localPort, int serverPort) {
        SocketTable.connection(localPort, serverPort).ifPresent(n::row);
        try {
            // The server's end turns ESTABLISHED when our final ACK has been processed.
            SocketRow serverEnd = KernelAwait.await(serverPort, localPort, TcpState.ESTABLISHED, ROW_WAIT);
            n.row(serverEnd);
        } catch (TimeoutException e) {
            n.kernel("the server's end is not in this machine's table (remote server?)");
            return;
        }
        SocketTable.listener(serverPort).ifPresent(row -> n.kernel("server LISTEN row: accept queue = "
                + row.rxQueue() + " connection(s) waiting for accept()  [" + row.describe() + "]"));
    }
}
