package tcpip.echo;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.kernel.Endpoint;

/**
 * The echo server a learner runs (java.net): {@link EchoCore#serveOne} for every client, inside the
 * course's shared accept loop (connection cap, read and write deadlines, one log line per failure).
 */
public final class EchoServer implements Closeable {

    /** The port this chapter's programs use unless told otherwise. */
    public static final int DEFAULT_PORT = 7007;
    /** Accept-queue length asked of listen(); Linux caps it at net.core.somaxconn. */
    static final int BACKLOG = 4096;
    /** Every sentence the echo servers print or send, in the language chosen by --lang. */
    private static final Messages MSG = Messages.of("tcpip.echo.messages");

    /** How the server hands out its attention. */
    public enum Mode {
        /** One client at a time: the next one is connected by the kernel but waits in the accept queue. */
        ITERATIVE,
        /** A platform (OS) thread per client. */
        THREAD_PER_CLIENT,
        /** A virtual thread per client: cheap enough for thousands of connections. */
        VIRTUAL
    }

    private final GuardedListener listener;
    private final EchoLimits limits;
    private final AcceptLoop loop;
    private final PrintStream log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peakOpen = new AtomicInteger();

    private EchoServer(GuardedListener listener, Mode mode, EchoLimits limits, PrintStream log) {
        this.listener = listener;
        this.limits = limits;
        this.log = log;
        ThreadFactory threads = switch (mode) {
            case ITERATIVE -> null; // the accepting thread serves each client itself: nobody else is accepted meanwhile
            case THREAD_PER_CLIENT -> Thread.ofPlatform().name("echo-", 0).factory();
            case VIRTUAL -> Thread.ofVirtual().name("echo-", 0).factory();
        };
        this.loop = new AcceptLoop(listener, new AcceptLoop.Limits(limits.maxConnections(), limits.readDeadline()),
                threads, this::serve, this::refuse, this::say);
    }

    /**
     * Binds and listens: a LISTEN row appears and the kernel answers SYNs from here on. Port 0
     * lets the kernel pick one. {@code log} gets a line per connection, or null for silence.
     */
    public static EchoServer bind(InetAddress address, int port, Mode mode, EchoLimits limits, PrintStream log)
            throws IOException {
        return new EchoServer(new GuardedListener(address, port, BACKLOG, limits.writeDeadline()), mode, limits, log);
    }

    /** {@link #bind(InetAddress, int, Mode, EchoLimits, PrintStream)} with the default write deadline. */
    public static EchoServer bind(InetAddress address, int port, Mode mode, int maxConnections, Duration readDeadline,
            PrintStream log) throws IOException {
        return bind(address, port, mode, EchoLimits.defaults().withMaxConnections(maxConnections)
                .withReadDeadline(readDeadline), log);
    }

    /** The port the kernel bound (the one asked for, or the one it picked for port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** The address clients connect to, e.g. 127.0.0.1:7007. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Connections holding a slot of the cap right now (accepted, being served, not yet closed). */
    public int openConnections() {
        return loop.active();
    }

    /** The most connections this server ever served at the same time. */
    public int peakOpenConnections() {
        return peakOpen.get();
    }

    /** Connections accepted so far, refused ones included. */
    public long acceptedConnections() {
        return loop.accepted();
    }

    /** Connections refused because {@code maxConnections} were already open. */
    public long refusedConnections() {
        return loop.refused();
    }

    /** Connections that ended in a failure: reset, read or write deadline. */
    public long failedConnections() {
        return loop.failed();
    }

    /** Accepts and serves clients until {@link #close()} is called. */
    public void serve() {
        loop.run();
    }

    /** One client: the lesson's core, with Nagle off so each echo leaves at once. */
    private void serve(Socket client) throws IOException {
        String peer = Endpoint.text(client.getRemoteSocketAddress());
        open.add(client);
        peakOpen.accumulateAndGet(open.size(), Math::max);
        try {
            client.setTcpNoDelay(true);
            if (limits.sendBuffer() > 0) {
                client.setSendBufferSize(limits.sendBuffer()); // the kernel doubles it for its bookkeeping
            }
            say(accepted(peer, open.size()));
            long bytes = EchoCore.serveOne(client);
            say(closed(peer, bytes));
        } finally {
            open.remove(client); // the accept loop closes it: our FIN goes out, the descriptor is freed
        }
    }

    /**
     * Over the cap: the kernel had already finished the handshake, so the connection is accepted,
     * told why, and sent FIN at once; bytes the client already sent are discarded first, because
     * close() with unread bytes sends RST instead of FIN, which could destroy the message.
     */
    private void refuse(Socket client) throws IOException {
        say(refused(Endpoint.text(client.getRemoteSocketAddress()), open.size(), limits.maxConnections()));
        // A few dozen bytes into an empty send buffer: this write never waits.
        client.getOutputStream().write(busy(limits.maxConnections()).getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput(); // FIN right after the message
        client.getInputStream().skipNBytes(client.getInputStream().available()); // never waits
    }

    /** Stops accepting (closes the LISTEN socket) and closes every open connection. */
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

    /** What a client over the connection cap reads before the server closes it: one line. */
    static String busy(int maxConnections) {
        return MSG.get("EchoServer.busy", String.valueOf(maxConnections)) + System.lineSeparator();
    }

    /** The log lines every echo server of this chapter prints, one sentence each. */
    static String accepted(String peer, int open) {
        return MSG.get("EchoServer.log.accepted", peer, String.valueOf(open));
    }

    static String closed(String peer, long bytes) {
        return MSG.get("EchoServer.log.closed", peer, String.valueOf(bytes));
    }

    static String refused(String peer, int open, int maxConnections) {
        return MSG.get("EchoServer.log.refused", peer, String.valueOf(open), String.valueOf(maxConnections));
    }

    static String stopped(long accepted, long refused, long failed) {
        return MSG.get("EchoServer.stopped", String.valueOf(accepted), String.valueOf(refused), String.valueOf(failed));
    }

    /** --quiet, the same on every echo server. */
    static Cli.Option<Boolean> quietFlag(Cli cli) {
        return cli.flag("--quiet", MSG.get("EchoServer.opt.quiet"));
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("EchoServer", MSG.get("EchoServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, MSG.get("EchoServer.opt.mode"));
        java.util.function.Supplier<EchoLimits> limits = EchoLimits.flags(cli);
        Cli.Option<Boolean> quiet = quietFlag(cli);
        cli.example("EchoServer --port 7007");
        cli.example(MSG.get("EchoServer.example.iterative", "EchoServer --mode iterative"));
        cli.example("EchoServer --bind ::1 --read-deadline 10s --write-deadline 5s");
        cli.parse(args);
        cli.run(() -> {
            EchoServer server = bind(InetAddress.getByName(bind.get()), port.get(), mode.get(), limits.get(),
                    quiet.get() ? null : System.out);
            Thread main = Thread.currentThread();
            // Ctrl-C: close the LISTEN socket and every connection, then let main finish.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Closeables.closeQuietly(server);
                try {
                    main.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    // exiting anyway
                }
                System.out.println(stopped(server.loop.accepted(), server.loop.refused(), server.loop.failed()));
            }));
            System.out.println(limits.get().listening("EchoServer.listening", Endpoint.text(server.address()),
                    mode.get().name().toLowerCase().replace('_', '-')));
            server.serve();
        });
    }
}
