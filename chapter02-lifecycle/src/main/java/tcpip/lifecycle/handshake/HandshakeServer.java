package tcpip.lifecycle.handshake;


import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.KernelRows;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.net.Preload;
import tcpip.net.RequestDeadline;

/**
 * Listens, and for each connection prints the row the kernel had for it BEFORE accept() ran:
 * the handshake was already done (article: Three way handshake). Core: {@link HandshakeCore}, which
 * listens and accepts. Hardening: the shared {@link AcceptLoop} (connection cap, read deadline, one
 * log line per failed client) on a {@link GuardedListener} (a deadline for the whole connection,
 * --request-timeout: a client sending a byte a second no longer holds its slot for ever); the kernel
 * view is read only for the first --show connections.
 */
public final class HandshakeServer {

    private static final int DEFAULT_PORT = 7102;
    private static final int DEFAULT_SHOWN = 20;
    private static final int BUFSIZE = 1024;

    /** Caps and deadlines. */
    public record Settings(int maxConnections, Duration readDeadline, int shown) {
    }

    private HandshakeServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("HandshakeServer", Msg.get("HandshakeServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Integer> backlog = cli.intOption("--backlog", AcceptLoop.DEFAULT_BACKLOG, 1, 65_535,
                Msg.get("HandshakeServer.opt.backlog"));
        Cli.Option<Integer> max = cli.intOption("--max-connections", AcceptLoop.DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                Msg.get("HandshakeServer.opt.maxConnections"));
        Cli.Option<Duration> readTimeout = cli.durationOption("--read-timeout", AcceptLoop.DEFAULT_READ_DEADLINE,
                Msg.get("HandshakeServer.opt.readTimeout"));
        Cli.Option<Integer> shown = cli.intOption("--show", DEFAULT_SHOWN, 0, 10_000,
                Msg.get("HandshakeServer.opt.show"));
        Cli.Option<Duration> requestTimeout = cli.durationOption("--request-timeout", AcceptLoop.DEFAULT_REQUEST_DEADLINE,
                Msg.get("HandshakeServer.opt.requestTimeout"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=HandshakeServer -Dargs=\"--port 7102\"");
        cli.parse(args);
        cli.run(() -> {
            Narrator n = Narrator.stdout();
            // Before the first accept: out of descriptors later, no class is loaded and the poller already runs.
            Preload.connectionPaths(HandshakeServer.class, Msg.class, SocketTable.class, Narrator.class);
            ServerSocket server = listener(n, new InetSocketAddress(bind.get(), port.get()), backlog.get(), shown.get(),
                    requestTimeout.get());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(server)));
            n.program(Msg.get("HandshakeServer.listening", Endpoint.text(server.getLocalSocketAddress()), backlog.get()));
            serve(n, server, new Settings(max.get(), readTimeout.get(), shown.get()));
        });
    }

    /** A listening socket for {@link #serve} with the default --request-timeout. */
    public static ServerSocket listener(Narrator n, InetSocketAddress address, int backlog, int shown) throws IOException {
        return listener(n, address, backlog, shown, AcceptLoop.DEFAULT_REQUEST_DEADLINE);
    }

    /**
     * A listening socket for {@link #serve}, the one {@link HandshakeServer#main} makes: each connection must
     * send everything and its FIN within {@code wholeConnection} of its accept (it only receives: the request
     * is the whole connection).
     */
    public static ServerSocket listener(Narrator n, InetSocketAddress address, int backlog, int shown,
            Duration wholeConnection) throws IOException {
        RowReadingListener listener = new RowReadingListener(n, shown, wholeConnection);
        try {
            return HandshakeCore.listen(listener, address, backlog);
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(listener);
            throw e;
        }
    }

    /** Accepts until the listening socket is closed; each client is read on its own virtual thread. */
    public static AcceptLoop serve(Narrator n, ServerSocket server, Settings settings) {
        AtomicInteger clients = new AtomicInteger();
        AcceptLoop loop = new AcceptLoop(server, HandshakeCore::accept, new AcceptLoop.Limits(settings.maxConnections(), settings.readDeadline()),
                Thread.ofVirtual().name("client-", 1).factory(), client -> readToEnd(n, client, clients.incrementAndGet()),
                null, line -> n.line("log", line));
        loop.run();
        n.program(Msg.get("HandshakeServer.closed", loop.accepted(), loop.refused(), loop.failed()));
        return loop;
    }

    /** Reads one client until its FIN (read() == -1). */
    private static void readToEnd(Narrator n, Socket client, int number) throws IOException {
        RequestDeadline whole = GuardedListener.requestDeadline(client);
        if (whole != null) {
            whole.begin(); // --request-timeout: its clock starts at accept, each read waits at most what is left
        }
        InputStream in = client.getInputStream();
        byte[] buf = new byte[BUFSIZE];
        long total = 0;
        int got;
        // read() == -1: the client's FIN arrived. SO_TIMEOUT (the read deadline) ends silence.
        while ((got = in.read(buf)) != -1) {
            total += got;
        }
        n.program(Msg.get("HandshakeServer.clientDone", number, total));
    }

    /**
     * A listening socket that reads its queued connections' rows just before each accept(): the
     * loop accepts through {@link HandshakeCore#accept}, which lands here.
     */
    private static final class RowReadingListener extends GuardedListener {
        private final Narrator n;
        private final int shown;
        private final AtomicInteger accepted = new AtomicInteger();

        RowReadingListener(Narrator n, int shown, Duration wholeConnection) throws IOException {
            // Nothing is written to a client: the write deadline is only the shared default.
            super(AcceptLoop.DEFAULT_WRITE_DEADLINE, () -> RequestDeadline.explicit(wholeConnection));
            this.n = n;
            this.shown = shown;
        }

        @Override
        public Socket accept() throws IOException {
            boolean show = accepted.get() < shown && SocketTable.available();
            Map<Integer, SocketRow> queued = Map.of();
            if (show) {
                int port = getLocalPort();
                queued = SocketTable.withLocalPort(port).stream()
                        .filter(r -> r.state() != TcpState.LISTEN && r.inode() == 0).collect(Collectors.toMap(SocketRow::remotePort, Function.identity(), (a, b) -> a));
                SocketTable.listener(port).ifPresent(row -> n.kernel(Msg.get("HandshakeServer.queue", row.rxQueue())));
            }
            Socket client = super.accept();
            int number = accepted.incrementAndGet();
            if (show) {
                report(number, client, queued.get(client.getPort()));
            } else if (number == shown + 1) {
                n.note(Msg.get("HandshakeServer.more", shown));
            }
            return client;
        }

        private void report(int number, Socket client, SocketRow before) {
            n.program(Msg.get("HandshakeServer.accepted", number, Endpoint.text(client.getRemoteSocketAddress())));
            if (before == null) {
                n.kernel(Msg.get("HandshakeServer.noRow"));
                return;
            }
            n.kernel(Msg.get("HandshakeServer.row", before.describe()));
            if (number == 1) {
                n.note(KernelRows.whereFrom(before));
            }
            if (before.state() == TcpState.ESTABLISHED) {
                n.note(Msg.get("HandshakeServer.established"));
            } else {
                n.note(Msg.get(before.state() == TcpState.CLOSE_WAIT ? "HandshakeServer.finSent" : "HandshakeServer.movedOn",
                        before.state()));
            }
        }
    }
}
