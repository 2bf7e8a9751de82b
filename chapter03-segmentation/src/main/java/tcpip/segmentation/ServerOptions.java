package tcpip.segmentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.function.Function;
import tcpip.cli.Cli;
import tcpip.kernel.SocketTable;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.net.Preload;
import tcpip.net.RequestDeadline;

/** The flags every server of this chapter shares (address, port, cap, deadlines) and the listener they open. */
public final class ServerOptions {

    /** Every program of this chapter uses this port unless told otherwise. */
    public static final int DEFAULT_PORT = 7203;
    /**
     * listen() backlog: finished handshakes the kernel keeps until accept() takes them. Larger than
     * Java's default 50, so a burst of connections waits here instead of having its SYNs dropped.
     */
    public static final int BACKLOG = 512;

    private final Cli.Option<String> bind;
    private final Cli.Option<Integer> port;
    private final Cli.Option<Integer> maxConnections;
    private final Cli.Option<Duration> readTimeout;
    private final Cli.Option<Duration> writeTimeout;
    private final Cli cli;
    private Cli.Option<Duration> requestTimeout;

    /**
     * Declares {@code --bind --port --max-connections --read-timeout} and, for a server that writes
     * more than a few bytes, {@code --write-timeout}.
     */
    public ServerOptions(Cli cli, int defaultMaxConnections, boolean writes) {
        this(cli, DEFAULT_PORT, defaultMaxConnections, writes);
    }

    /** The same with another default port ({@code StreamServer}'s 7200). */
    public ServerOptions(Cli cli, int defaultPort, int defaultMaxConnections, boolean writes) {
        this.cli = cli;
        bind = cli.bind();
        port = cli.port(defaultPort);
        maxConnections = cli.intOption("--max-connections", defaultMaxConnections, 1, 100_000,
                Msg.get("ServerOptions.opt.maxConnections"));
        readTimeout = cli.durationOption("--read-timeout", AcceptLoop.DEFAULT_READ_DEADLINE,
                Msg.get("ServerOptions.opt.readTimeout"));
        writeTimeout = writes ? cli.durationOption("--write-timeout", AcceptLoop.DEFAULT_WRITE_DEADLINE,
                Msg.get("ServerOptions.opt.writeTimeout")) : null;
    }

    /**
     * Declares {@code --request-timeout}, the whole-request deadline beside the per-read
     * {@code --read-timeout}: {@code help} (a sentence key) says what one request is for this server.
     */
    public ServerOptions withRequestTimeout(String help) {
        requestTimeout = cli.durationOption("--request-timeout", AcceptLoop.DEFAULT_REQUEST_DEADLINE, Msg.get(help));
        return this;
    }

    /** The whole-request deadline ({@link #withRequestTimeout}). */
    public Duration requestTimeout() {
        return requestTimeout.get();
    }

    /** The cap and the read deadline for {@link AcceptLoop}. */
    public AcceptLoop.Limits limits() {
        return new AcceptLoop.Limits(maxConnections.get(), readTimeout.get());
    }

    /** The read deadline. */
    public Duration readTimeout() {
        return readTimeout.get();
    }

    /**
     * The first step of every listen: what a connection needs is loaded before anything else (this chapter's
     * package, kernel-view's, socket-support's, the command line's; the poller started). Too few descriptors
     * for that: one line from Cli.run and exit 1 ({@code Preload.CannotServe}), not a stack trace from a class
     * that failed to load half-way. {@link #run} loads the server's own package too.
     */
    private static void preloadFirst() {
        Preload.connectionPaths(ServerOptions.class, SocketTable.class);
    }

    /** bind() + listen(): a listener whose accepted sockets carry the write deadline. */
    public GuardedListener listen() throws IOException {
        preloadFirst();
        Duration write = writeTimeout == null ? AcceptLoop.DEFAULT_WRITE_DEADLINE : writeTimeout.get();
        return new GuardedListener(InetAddress.getByName(bind.get()), port.get(), BACKLOG, write);
    }

    /**
     * bind() + listen(): a listener whose accepted sockets carry the write deadline and, each, a request
     * deadline of {@code --request-timeout} made by {@code requests} ({@code RequestDeadline::turns}, say).
     */
    public GuardedListener listen(Function<Duration, RequestDeadline> requests) throws IOException {
        GuardedListener listener = unbound(requests);
        bindAndListen(listener);
        return listener;
    }

    /**
     * The same, not bound yet: set what must precede listen() (SO_RCVBUF, inherited by accepted
     * sockets), then {@link #bindAndListen} it.
     */
    public GuardedListener unbound(Function<Duration, RequestDeadline> requests) throws IOException {
        preloadFirst();
        Duration write = writeTimeout == null ? AcceptLoop.DEFAULT_WRITE_DEADLINE : writeTimeout.get();
        Duration limit = requestTimeout.get();
        return new GuardedListener(write, () -> requests.apply(limit));
    }

    /**
     * For a server that only receives, the request is the whole connection: {@link #listen} with a
     * {@code RequestDeadline.explicit} per connection, whose clock {@link #wholeConnection} starts at accept.
     */
    public GuardedListener listenWholeConnections() throws IOException {
        return listen(RequestDeadline::explicit);
    }

    /** {@link #listenWholeConnections}, not bound yet (options first, then {@link #bindAndListen}). */
    public GuardedListener unboundWholeConnections() throws IOException {
        return unbound(RequestDeadline::explicit);
    }

    /**
     * A receiving server's first step with a connection: the clock of its whole-connection deadline
     * starts now, and every read from here on waits at most what is left of it, so a client that
     * trickles a byte at a time is cut when it passes (the read fails with {@code RequestDeadline.Exceeded},
     * the accept loop logs one line and closes). Its client's end of stream must come before that.
     * Returns the deadline, or null for a socket no {@link #listenWholeConnections} listener accepted.
     */
    public static RequestDeadline wholeConnection(Socket client) {
        RequestDeadline whole = GuardedListener.requestDeadline(client);
        if (whole != null) {
            whole.begin();
        }
        return whole;
    }

    /** bind() + listen() for a listener that needed options first (e.g. SO_RCVBUF, inherited by accepted sockets). */
    public ServerSocket bindAndListen(ServerSocket listener) throws IOException {
        preloadFirst();
        try {
            listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()), BACKLOG);
            return listener;
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(listener);
            throw e;
        }
    }

    /** bind() + listen() on a ServerSocketChannel, for a server that reads through channels. */
    public ServerSocket listenChannel() throws IOException {
        preloadFirst();
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()), BACKLOG);
            return channel.socket();
        } catch (IOException | RuntimeException e) {
            Closeables.closeQuietly(channel);
            throw e;
        }
    }

    /** A server main's last step: announce, close the listener on Ctrl-C, accept until then. */
    public static void run(Class<?> server, ServerSocket listener, AcceptLoop loop) {
        run(server, listener, loop, "ServerOptions.listening");
    }

    /**
     * The same with the server's own announcement: the sentence {@code key}, whose {@code {0}} is the
     * server's name, {@code {1}} its address and {@code {2}}... the {@code details}. Before the first
     * accept, every class a connection needs is loaded ({@code server}'s package, this chapter's,
     * kernel-view's, socket-support's) and the virtual-thread poller started: out of descriptors
     * (EMFILE), a class file cannot be opened, and a class that failed to load stays failed for good.
     */
    public static void run(Class<?> server, ServerSocket listener, AcceptLoop loop, String key, Object... details) {
        String name = server.getSimpleName();
        Preload.connectionPaths(server, ServerOptions.class, SocketTable.class);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(listener)));
        Object[] args = new Object[details.length + 2];
        args[0] = name;
        args[1] = listener.getLocalSocketAddress();
        System.arraycopy(details, 0, args, 2, details.length);
        System.out.println(Msg.get(key, args));
        loop.run();
    }
}
