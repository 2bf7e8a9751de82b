package tcpip.close;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import tcpip.kernel.KernelAwait;
import tcpip.cli.Cli;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** Closes its connections first (so they sit in TIME_WAIT), then restarts on the same port. */
public final class TimeWaitRestartServer {

    public static final int DEFAULT_PORT = 7304;

    private TimeWaitRestartServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("TimeWaitRestartServer",
                "Serves --connections clients, closing first, then closes and binds the same port again.");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> count = cli.intOption("--connections", 3, 1, 10_000, "clients to serve before the restart");
        Cli.Option<Boolean> noReuse = cli.flag("--no-reuse-address",
                "setReuseAddress(false) before bind (Java's default on Linux is true)");
        cli.example("TimeWaitRestartServer --port 7304")
           .example("TimeWaitRestartServer --port 7304 --no-reuse-address   (the restart fails: Address already in use)");
        cli.parse(args);
        boolean reuse = !noReuse.get();
        cli.run(() -> {
            InetAddress addr = InetAddress.getByName(bind.get());
            int bound;
            try (ServerSocket first = open(addr, port.get(), reuse)) {
                bound = first.getLocalPort();
                System.out.println("first run: listening on " + first.getLocalSocketAddress() + ", SO_REUSEADDR " + reuse);
                awaitTimeWait(bound, serveAndCloseFirst(first, count.get()));
            } // the listening socket is gone; the connections we closed first stay in TIME_WAIT
            printTimeWait(bound);
            System.out.println("restart: bind(" + bound + ") with SO_REUSEADDR " + reuse);
            try (ServerSocket second = open(addr, bound, reuse)) { // fails with "Address already in use" if reuse is false
                System.out.println("restarted on " + second.getLocalSocketAddress() + " while TIME_WAIT rows remain");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        second.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }));
                while (true) {
                    try {
                        serveAndCloseFirst(second, 1);
                    } catch (java.net.SocketException stopped) {
                        return;
                    }
                }
            }
        });
    }

    /** A listening socket with SO_REUSEADDR set as given, bound to {@code port} (0 = any free one). */
    public static ServerSocket open(InetAddress address, int port, boolean reuseAddress) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            // Before bind(). Linux lets this bind share the port with TIME_WAIT rows only if this socket
            // AND the old connections (they inherit it from the old listener) have SO_REUSEADDR set.
            s.setReuseAddress(reuseAddress);
            s.bind(new InetSocketAddress(address, port)); // EADDRINUSE if a TIME_WAIT row holds the port and reuse is off
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Waits until each closed connection reached TIME_WAIT (the client's FIN arrived), at most a few seconds. */
    private static void awaitTimeWait(int port, List<Integer> clientPorts) {
        if (!SocketTable.available()) {
            return;
        }
        for (int clientPort : clientPorts) {
            try {
                KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, Duration.ofSeconds(5));
            } catch (TimeoutException e) {
                System.out.println("connection to " + clientPort + " is not in TIME_WAIT yet (its client has not closed)");
            }
        }
    }

    /**
     * Accepts {@code n} clients; each gets one line and our close() first: our side goes to
     * FIN_WAIT2, then TIME_WAIT once the client closes too. Returns the clients' ports.
     */
    public static List<Integer> serveAndCloseFirst(ServerSocket server, int n) throws IOException {
        List<Integer> clientPorts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (Socket client = server.accept()) {
                clientPorts.add(client.getPort());
                OutputStream out = client.getOutputStream();
                try {
                    out.write("bye\n".getBytes(StandardCharsets.UTF_8));
                    System.out.println("served " + client.getRemoteSocketAddress() + ", closing first");
                } catch (IOException e) { // one bad client must not stop the server
                    System.out.println(client.getRemoteSocketAddress() + ": " + Cli.describe(e));
                }
            } // close(): FIN from the server: the server is the active closer
        }
        return clientPorts;
    }

    /** Prints the TIME_WAIT rows on the port with the time they have left. */
    public static List<SocketRow> printTimeWait(int port) {
        if (!SocketTable.available()) {
            System.out.println(SocketTable.unavailableMessage());
            return List.of();
        }
        List<SocketRow> rows = SocketTable.read(r -> r.localPort() == port && r.state() == TcpState.TIME_WAIT);
        System.out.println(rows.size() + " TIME_WAIT row(s) on port " + port
                + " (Linux keeps each 60 s; the article's 240 s is 2 x MSL from RFC 793, a Windows default):");
        rows.forEach(r -> System.out.println("  " + r.describe()));
        return rows;
    }
}
