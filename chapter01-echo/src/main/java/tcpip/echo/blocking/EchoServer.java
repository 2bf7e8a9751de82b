package tcpip.echo.blocking;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.EchoLimits;
import tcpip.echo.EchoLog;
import tcpip.echo.Msg;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;

/**
 * The echo server a learner runs (java.net): {@link PlainEchoServer}'s calls, the core's
 * {@link EchoCore#listen}, {@link EchoCore#accept} and {@link EchoCore#serveOne}, wrapped in the
 * course's hardening: a listening socket whose connections carry write and request deadlines
 * ({@link GuardedListener}), the shared accept loop (connection cap, read deadline, one log line per
 * failure, back-off when descriptors run out) and a thread per client.
 */
public final class EchoServer implements Closeable {

    /** The port this chapter's programs use unless told otherwise. */
    public static final int DEFAULT_PORT = 7007;

    /** How the server hands out its attention. */
    public enum Mode {
        /** One client at a time: the next one is connected by the kernel but waits in the accept queue. */
        ITERATIVE,
        /** A platform (OS) thread per client; idle ones are reused for the next client. */
        THREAD_PER_CLIENT,
        /** A virtual thread per client: cheap enough for thousands of connections. */
        VIRTUAL
    }

    private final GuardedListener listener;
    private final EchoLimits limits;
    private final ExecutorService pool; // thread-per-client only
    private final AcceptLoop loop;
    private final PrintStream log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peakOpen = new AtomicInteger();

    private EchoServer(GuardedListener listener, Mode mode, EchoLimits limits, PrintStream log) {
        this.listener = listener;
        this.limits = limits;
        this.log = log;
        // A platform thread per client, reused once its client left: starting a thread waits until the new
        // thread runs, which on a busy machine costs milliseconds per connection (a storm of 2,000 dead
        // connections then took over 10 s to drain with a new thread each).
        this.pool = mode == Mode.THREAD_PER_CLIENT
                ? Executors.newCachedThreadPool(Thread.ofPlatform().name("echo-", 0).factory()) : null;
        ThreadFactory virtual = Thread.ofVirtual().name("echo-", 0).factory();
        Executor workers = switch (mode) {
            case ITERATIVE -> null; // the accepting thread serves each client itself: nobody else is accepted meanwhile
            case THREAD_PER_CLIENT -> pool;
            case VIRTUAL -> task -> virtual.newThread(task).start();
        };
        EchoLog.preloadFailurePaths(EchoServer.class);
        this.loop = AcceptLoop.onExecutor(listener, EchoCore::accept, new AcceptLoop.Limits(limits.maxConnections(),
                limits.readDeadline()), workers, this::serve, this::refuse, this::say);
    }

    /**
     * Listens through the core: a LISTEN row appears and the kernel answers SYNs from here on. Port 0
     * lets the kernel pick one. {@code log} gets a line per connection, or null for silence.
     */
    public static EchoServer bind(InetAddress address, int port, Mode mode, EchoLimits limits, PrintStream log)
            throws IOException {
        GuardedListener listener = new GuardedListener(limits.writeDeadline(), limits::newRequestDeadline);
        try {
            EchoCore.listen(listener, new InetSocketAddress(address, port), AcceptLoop.DEFAULT_BACKLOG);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        return new EchoServer(listener, mode, limits, log);
    }

    /** {@link #bind(InetAddress, int, Mode, EchoLimits, PrintStream)} with the default write and request deadlines. */
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

    /** Connections that ended in a failure: reset, read, write or request deadline. */
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
            say(EchoLog.accepted(peer, open.size()));
            long bytes = EchoCore.serveOne(client);
            say(EchoLog.closed(peer, bytes));
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
        say(EchoLog.refused(Endpoint.text(client.getRemoteSocketAddress()), open.size(), limits.maxConnections()));
        // A few dozen bytes into an empty send buffer: this write never waits.
        client.getOutputStream().write(EchoLog.busy(limits.maxConnections()).getBytes(StandardCharsets.UTF_8));
        client.shutdownOutput(); // FIN right after the message
        client.getInputStream().skipNBytes(client.getInputStream().available()); // never waits
    }

    /** Stops accepting (closes the LISTEN socket) and closes every open connection. */
    @Override
    public void close() throws IOException {
        listener.close();
        open.forEach(Closeables::closeQuietly);
        if (pool != null) {
            pool.shutdown(); // idle threads end at once, busy ones when their client is closed
        }
    }

    private void say(String line) {
        if (log != null) {
            log.println(line);
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("EchoServer", Msg.get("EchoServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, Msg.get("EchoServer.opt.mode"));
        Supplier<EchoLimits> limits = EchoLimits.flags(cli);
        Cli.Option<Boolean> quiet = EchoLog.quietFlag(cli);
        cli.example("EchoServer --port 7007");
        cli.example(Msg.get("EchoServer.example.iterative", "EchoServer --mode iterative"));
        cli.example("EchoServer --bind ::1 --read-timeout 10s --write-timeout 5s --request-timeout 20s");
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
                System.out.println(EchoLog.stopped(server.loop.accepted(), server.loop.refused(), server.loop.failed()));
            }));
            System.out.println(limits.get().listening("EchoServer.listening", Endpoint.text(server.address()),
                    mode.get().name().toLowerCase(Locale.ROOT).replace('_', '-')));
            server.serve();
        });
    }
}
