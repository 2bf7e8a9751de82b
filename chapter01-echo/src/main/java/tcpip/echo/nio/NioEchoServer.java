package tcpip.echo.nio;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.EchoLimits;
import tcpip.echo.EchoLog;
import tcpip.echo.Msg;
import tcpip.echo.blocking.EchoServer;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;
import tcpip.net.ChannelDeadline;
import tcpip.net.Closeables;

/**
 * The echo server with NIO channels in blocking mode: the core's {@link NioEchoCore#listen},
 * {@link NioEchoCore#accept} and {@link NioEchoCore#serveOne} (a ByteBuffer filled by read(), flipped,
 * drained by write()), a virtual thread per client, inside the shared accept loop;
 * {@link ChannelDeadline} gives each channel its read, write and request deadlines.
 */
public final class NioEchoServer implements Closeable {

    private final ServerSocketChannel listener;
    private final EchoLimits limits;
    private final AcceptLoop loop;
    private final PrintStream log;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    private NioEchoServer(ServerSocketChannel listener, EchoLimits limits, PrintStream log) {
        this.listener = listener;
        this.limits = limits;
        this.log = log;
        ThreadFactory virtual = Thread.ofVirtual().name("nio-echo-", 0).factory();
        EchoLog.preloadFailurePaths(NioEchoServer.class);
        // The shared accept loop takes each connection with the core's accept; it drives the channel
        // listener through its socket() view, and the handler gets the channel back from the socket.
        this.loop = new AcceptLoop(listener.socket(), l -> NioEchoCore.accept(listener).socket(),
                new AcceptLoop.Limits(limits.maxConnections(), limits.readDeadline()),
                virtual, this::serve, this::refuse, this::say);
    }

    /** open(), bind() and listen() through the core; port 0 lets the kernel pick one. */
    public static NioEchoServer bind(InetAddress address, int port, EchoLimits limits, PrintStream log)
            throws IOException {
        return new NioEchoServer(NioEchoCore.listen(new InetSocketAddress(address, port), AcceptLoop.DEFAULT_BACKLOG), limits,
                log);
    }

    /** {@link #bind(InetAddress, int, EchoLimits, PrintStream)} with the default write deadline. */
    public static NioEchoServer bind(InetAddress address, int port, int maxConnections, Duration readDeadline,
            PrintStream log) throws IOException {
        return bind(address, port, EchoLimits.defaults().withMaxConnections(maxConnections)
                .withReadDeadline(readDeadline), log);
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** Connections holding a slot of the cap right now (accepted, being served, not yet closed). */
    public int openConnections() {
        return loop.active();
    }

    /** Connections accepted so far, refused ones included. */
    public long acceptedConnections() {
        return loop.accepted();
    }

    /** Connections that ended in a failure: reset, read, write or request deadline. */
    public long failedConnections() {
        return loop.failed();
    }

    /** Accepts clients until {@link #close()}; each gets a virtual thread. */
    public void serve() {
        loop.run();
    }

    private void serve(Socket accepted) throws IOException {
        SocketChannel client = accepted.getChannel();
        String peer = Endpoint.text(client.getRemoteAddress());
        open.add(client);
        try {
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (limits.sendBuffer() > 0) {
                client.setOption(StandardSocketOptions.SO_SNDBUF, limits.sendBuffer());
            }
            say(EchoLog.accepted(peer, open.size()));
            long bytes = NioEchoCore.serveOne(new ChannelDeadline(client, limits.readDeadline(), limits.writeDeadline(),
                    limits.newRequestDeadline()));
            say(EchoLog.closed(peer, bytes));
        } finally {
            open.remove(client);
        }
    }

    /** Over the cap: the message and FIN, then close (see EchoServer.refuse). */
    private void refuse(Socket accepted) throws IOException {
        SocketChannel client = accepted.getChannel();
        say(EchoLog.refused(Endpoint.text(client.getRemoteAddress()), open.size(), limits.maxConnections()));
        NioEchoCore.send(client, StandardCharsets.UTF_8.encode(EchoLog.busy(limits.maxConnections())));
        client.shutdownOutput(); // FIN right after the message
        accepted.getInputStream().skipNBytes(accepted.getInputStream().available()); // unread bytes would mean RST
    }

    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(Closeables::closeQuietly);
    }

    private void say(String line) {
        if (log != null) {
            log.println(line);
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("NioEchoServer", Msg.get("NioEchoServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Supplier<EchoLimits> limits = EchoLimits.flags(cli);
        Cli.Option<Boolean> quiet = EchoLog.quietFlag(cli);
        cli.example("NioEchoServer --port 7007");
        cli.example("NioEchoServer --bind ::1 --read-timeout 5s --request-timeout 20s --send-buffer 4K");
        cli.parse(args);
        cli.run(() -> {
            NioEchoServer server = bind(InetAddress.getByName(bind.get()), port.get(), limits.get(),
                    quiet.get() ? null : System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Closeables.closeQuietly(server);
                System.out.println(EchoLog.stopped(server.loop.accepted(), server.loop.refused(),
                        server.loop.failed()));
            }));
            System.out.println(limits.get().listening("NioEchoServer.listening", Endpoint.text(server.address())));
            server.serve();
        });
    }
}
