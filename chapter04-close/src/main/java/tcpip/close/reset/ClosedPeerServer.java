package tcpip.close.reset;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.ServerPreload;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SharedTable;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;

/** Closes every connection at once (FIN), or with --unread-data after the client's bytes arrived unread (RST). */
public final class ClosedPeerServer {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    /** How long --unread-data waits for the client's first bytes. */
    public static final Duration UNREAD_WAIT = Duration.ofSeconds(10);
    /** How soon a wait first looks again for the client's bytes; the gap doubles up to {@link #MAX_POLL}. */
    private static final Duration POLL = Duration.ofMillis(1);
    private static final Duration MAX_POLL = Duration.ofMillis(250);
    /** The kernel's table, read at most this often for all waiting connections together. */
    private static final SharedTable TABLE = new SharedTable(Duration.ofMillis(100));

    private ClosedPeerServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("ClosedPeerServer", Msg.get("ClosedPeerServer.summary"));
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Boolean> unread = cli.flag("--unread-data", Msg.get("ClosedPeerServer.opt.unreadData"));
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                Msg.get("Server.opt.maxConnections"));
        cli.example("ClosedPeerServer --port 7304")
           .example(Msg.get("ClosedPeerServer.example.unreadData"));
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind.get()), port.get());
            try (ServerSocket server = ReuseAddressCore.listen(new ServerSocket(), address, true)) {
                // Out of descriptors (EMFILE) no class file can be opened: load what a connection needs now.
                ServerPreload.beforeAccept();
                System.out.println(Msg.get("Server.listening", Endpoint.text(server.getLocalSocketAddress())));
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
                            out.accept(Msg.get("ClosedPeerServer.goneEarly",
                                    Endpoint.text(client.getRemoteSocketAddress())));
                            return;
                        }
                        ClosedPeerCore.closeUnread(client);
                        out.accept(Msg.get("ClosedPeerServer.closeUnread"));
                    } else {
                        out.accept(Msg.get("ClosedPeerServer.closeAtOnce",
                                Endpoint.text(client.getRemoteSocketAddress())));
                        OrderlyCloseCore.closeFirst(client); // FIN: everything received was read
                    }
                }, null, out);
    }

    /**
     * Waits until bytes from the client sit in the receive buffer (rx_queue > 0), without reading
     * them; false if the connection ended first (its row left ESTABLISHED: the client's FIN or RST).
     * Every waiting connection looks at one shared read of the kernel's table, so a storm of clients
     * costs a few reads of /proc a second, and each one whose client left lets go of its descriptor.
     */
    static boolean awaitUnreadData(Socket client) throws IOException {
        int local = client.getLocalPort();
        int remote = client.getPort();
        long start = System.nanoTime();
        long deadline = start + UNREAD_WAIT.toNanos();
        for (long gap = POLL.toNanos(); System.nanoTime() < deadline; gap = Math.min(gap * 2, MAX_POLL.toNanos())) {
            if (SocketTable.available()) {
                Map<Long, SocketRow> rows = TABLE.rowsSince(start); // null: no read since this client came, yet
                SocketRow row = rows == null ? null : rows.get(SharedTable.key(local, remote));
                if (rows != null && (row == null || row.state() != TcpState.ESTABLISHED)) {
                    return false;
                }
                if (row != null && row.rxQueue() > 0) {
                    return true;
                }
            } else if (client.getInputStream().available() > 0) {
                return true;
            }
            LockSupport.parkNanos(gap);
        }
        throw new IOException(Msg.get("ClosedPeerServer.noBytes", UNREAD_WAIT.toSeconds()));
    }
}
