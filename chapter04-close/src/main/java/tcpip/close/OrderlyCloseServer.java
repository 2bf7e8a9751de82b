package tcpip.close;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;

/** Accepts one connection at a time and closes it first or second, showing the Four way handshake states. */
public final class OrderlyCloseServer {

    public static final int DEFAULT_PORT = 7304;
    /** How long the server waits for a client's FIN when the client is to close first. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private OrderlyCloseServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("OrderlyCloseServer",
                "Accepts connections; each is closed with FIN by the side --closes-first names (소켓 연결 종료).");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Closer> first = cli.enumOption("--closes-first", Closer.class, Closer.SERVER,
                "which side calls close() first (give the client the same value)");
        Cli.Option<Integer> count = cli.intOption("--connections", 0, 0, 1_000_000, "stop after N connections (0 = run until Ctrl-C)");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", DEFAULT_READ_TIMEOUT,
                "give up on a client that does not close first within this time");
        cli.example("OrderlyCloseServer --port 7304 --closes-first server")
           .example("OrderlyCloseServer --port 7304 --closes-first client");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get())); // a LISTEN row appears
                Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(server)));
                serve(server, first.get(), count.get(), timeout.get(), Narrator.stdout());
            }
        });
    }

    /** Serves connections on a bound listening socket until {@code connections} were served or it is closed. */
    static void serve(ServerSocket server, Closer first, int connections, Duration readTimeout, Narrator n) {
        n.kernel("listening on " + server.getLocalSocketAddress() + "; the " + first.name().toLowerCase()
                + " closes first");
        for (int served = 0; connections == 0 || served < connections; served++) {
            Socket socket;
            try {
                socket = server.accept(); // accept(): takes a finished handshake from the queue
            } catch (java.io.IOException closed) {
                return; // Ctrl-C closed the listening socket
            }
            try (socket) {
                socket.setSoTimeout((int) readTimeout.toMillis());
                n.program("accept() -> " + socket.getRemoteSocketAddress());
                if (first == Closer.SERVER) {
                    OrderlyClose.closeFirst(socket, n);
                } else {
                    OrderlyClose.closeSecond(socket, n);
                }
            } catch (Exception e) {
                n.note("connection from " + socket.getRemoteSocketAddress() + " failed: " + Cli.describe(e));
            }
        }
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }
}
