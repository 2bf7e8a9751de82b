package tcpip.close.reset;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.ServerPreload;
import tcpip.close.orderly.CloseStates;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.LogSafe;

/** Sends data, then closes with SO_LINGER set: 0 sends RST instead of FIN, n > 0 makes close() wait. */
public final class LingerServer {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_BYTES = 100_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

    private LingerServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LingerServer", Msg.get("LingerServer.summary"));
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> linger = cli.intOption("--linger", 0, 0, 600, Msg.get("LingerServer.opt.linger"));
        Cli.Option<Long> bytes = cli.sizeOption("--bytes", DEFAULT_BYTES, 0, 1L << 34,
                Msg.get("LingerServer.opt.bytes"));
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                Msg.get("Server.opt.maxConnections"));
        cli.example("LingerServer --port 7304 --linger 0")
           .example(Msg.get("LingerServer.example.stall"));
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind.get()), port.get());
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                ReuseAddressCore.listen(server.socket(), address, true); // the channel's socket: accepted ones have channels
                // Out of descriptors (EMFILE) no class file can be opened: load what a connection needs now.
                ServerPreload.beforeAccept();
                System.out.println(Msg.get("LingerServer.listening", Endpoint.text(server.getLocalAddress()),
                        linger.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(server)));
                loop(server.socket(), bytes.get(), linger.get(), max.get(), System.out).run();
            }
        });
    }

    /**
     * The accept loop on a channel's listening socket (its accepted sockets have channels, which
     * the non-blocking writes need). No read deadline matters here: the server never reads.
     */
    public static AcceptLoop loop(ServerSocket channelListener, long bytes, int linger, int max, PrintStream out) {
        return new AcceptLoop(channelListener, new AcceptLoop.Limits(max, AcceptLoop.DEFAULT_READ_DEADLINE),
                Thread.ofVirtual().name("linger-", 0).factory(),
                s -> {
                    try {
                        sendAndClose(s.getChannel(), bytes, linger, new Narrator(out));
                    } catch (IOException e) {
                        throw e; // the accept loop's line: reset, deadline
                    } catch (Exception e) { // one plain sentence, no Java class names
                        out.println(Msg.get("LingerServer.failed", Endpoint.text(s.getRemoteSocketAddress()),
                                LogSafe.text(String.valueOf(e.getMessage()))));
                    }
                }, null, out::println);
    }

    /** Writes up to {@code bytes} without blocking, then closes with SO_LINGER {@code lingerSeconds}; returns how long close() took. */
    public static Duration sendAndClose(SocketChannel client, long bytes, int lingerSeconds, Narrator n) throws Exception {
        int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
        int remote = ((InetSocketAddress) client.getRemoteAddress()).getPort();
        long written = LingerCore.writeUntilFull(client, bytes);
        n.program(Msg.get(written < bytes ? "LingerServer.wroteUntilFull" : "LingerServer.wroteAll", written, bytes));
        Optional<SocketRow> before = kernelRow(local, remote, n);
        if (before != null) {
            before.ifPresent(n::row);
        }
        n.program(Msg.get("LingerServer.lingerClose", lingerSeconds));
        long start = System.nanoTime();
        LingerCore.close(client, lingerSeconds);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        n.result(Msg.get("LingerServer.closeTook", Narrator.human(took)));
        Optional<SocketRow> after = kernelRow(local, remote, n);
        if (after != null) {
            after.ifPresentOrElse(r -> n.kernel(CloseStates.describe(r)),
                    () -> n.kernel(Msg.get(lingerSeconds == 0 ? "LingerServer.goneAfterRst" : "LingerServer.gone",
                            local, remote)));
        }
        return took;
    }

    /**
     * The kernel's row for the connection (empty: no row), or null where there is no kernel view, or none now: out
     * of descriptors /proc/net/tcp cannot be opened, which is said in a note; the close goes on as asked.
     */
    private static Optional<SocketRow> kernelRow(int local, int remote, Narrator n) {
        if (!SocketTable.available()) {
            return null;
        }
        try {
            return SocketTable.connection(local, remote);
        } catch (UncheckedIOException e) {
            n.note(Msg.get("LingerServer.noKernelView", SocketTable.TCP4));
            return null;
        }
    }
}
