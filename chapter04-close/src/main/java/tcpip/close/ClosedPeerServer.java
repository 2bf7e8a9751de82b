package tcpip.close;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;

/** Closes every connection at once (FIN), or with --unread-data after the client's bytes arrived unread (RST). */
public final class ClosedPeerServer {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    public static final int BACKLOG = 1024;
    /** How long --unread-data waits for the client's first bytes. */
    public static final Duration UNREAD_WAIT = Duration.ofSeconds(10);

    private ClosedPeerServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("ClosedPeerServer", "Accepts and closes right away, so the client writes to a closed peer.");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Boolean> unread = cli.flag("--unread-data",
                "wait until the client's first bytes arrive, then close without reading them (RST)");
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                "connections served at once; one more is accepted and closed at once");
        cli.example("ClosedPeerServer --port 7304")
           .example("ClosedPeerServer --port 7304 --unread-data   (client: ClosedPeerClient --unread-data)");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()), BACKLOG);
                System.out.println("listening on " + server.getLocalSocketAddress());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(server)));
                loop(server, unread.get(), max.get(), System.out::println).run();
            }
        });
    }

    /** The accept loop: each connection on a virtual thread, one line per connection. */
    public static AcceptLoop loop(ServerSocket server, boolean unread, int max, Consumer<String> out) {
        return new AcceptLoop(server, new AcceptLoop.Limits(max, AcceptLoop.DEFAULT_READ_DEADLINE),
                Thread.ofVirtual().name("closed-peer-", 0).factory(), client -> {
                    if (unread) {
                        if (!awaitUnreadData(client)) {
                            out.accept(client.getRemoteSocketAddress() + ": gone before it sent anything");
                            return;
                        }
                        ClosedPeer.closeUnread(client);
                        out.accept("client's bytes wait unread; close(): Java sends FIN (shutdown), then Linux sends RST for the unread data");
                    } else {
                        out.accept("close() right after accept: FIN to " + client.getRemoteSocketAddress());
                        client.close(); // close(): FIN, everything received was read
                    }
                }, null, out);
    }

    /**
     * Waits until bytes from the client sit in the receive buffer (rx_queue > 0), without reading
     * them; false if the connection ended first (its row left ESTABLISHED, e.g. an RST).
     */
    static boolean awaitUnreadData(Socket client) throws java.io.IOException {
        int local = client.getLocalPort();
        int remote = client.getPort();
        if (SocketTable.available()) {
            try {
                var rows = KernelAwait.awaitTable(t -> t.stream().noneMatch(r -> r.localPort() == local
                        && r.remotePort() == remote && r.state() == tcpip.kernel.TcpState.ESTABLISHED)
                        || t.stream().anyMatch(r -> r.localPort() == local && r.remotePort() == remote && r.rxQueue() > 0),
                        UNREAD_WAIT, "unread bytes from " + remote);
                return rows.stream().anyMatch(r -> r.localPort() == local && r.remotePort() == remote && r.rxQueue() > 0);
            } catch (TimeoutException e) {
                throw new java.io.IOException("no bytes from the client within " + UNREAD_WAIT.toSeconds() + " s");
            }
        }
        long deadline = System.nanoTime() + UNREAD_WAIT.toNanos();
        while (client.getInputStream().available() == 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return client.getInputStream().available() > 0;
    }
}
