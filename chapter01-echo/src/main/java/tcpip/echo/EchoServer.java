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
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;

/**
 * The echo server a learner runs (java.net): {@link EchoCore#serveOne} for every client, inside the
 * course's shared accept loop (connection cap, read and write deadlines, one log line per failure).
 */
public final class EchoServer implements Closeable {

    /** The port this chapter's programs use unless told otherwise. */
    public static final int DEFAULT_PORT = 7007;
    /** Accept-queue length asked of listen(); Linux caps it at net.core.somaxconn. */
    static final int BACKLOG = 4096;
    /** What a client over the connection cap reads before the server closes it. */
    static final String BUSY = "server busy: connection limit %d reached, try again later%n";

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
            say("accepted " + peer + " (" + open.size() + " open)");
            long bytes = EchoCore.serveOne(client);
            say("closed " + peer + ": client sent FIN after " + bytes + " bytes");
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
        say("refused " + Endpoint.text(client.getRemoteSocketAddress()) + ": " + open.size()
                + " open, the limit (--max-connections " + limits.maxConnections() + ")");
        // A few dozen bytes into an empty send buffer: this write never waits.
        client.getOutputStream().write(String.format(BUSY, limits.maxConnections()).getBytes(StandardCharsets.UTF_8));
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

    public static void main(String[] args) {
        Cli cli = new Cli("EchoServer", "Echoes every byte back until the client closes (java.net sockets; "
                + "the lesson is EchoCore.serveOne).");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.VIRTUAL,
                "how clients are served: one at a time, a platform thread each, or a virtual thread each");
        java.util.function.Supplier<EchoLimits> limits = EchoLimits.flags(cli);
        Cli.Option<Boolean> quiet = cli.flag("--quiet", "do not print a line per connection");
        cli.example("EchoServer --port 7007");
        cli.example("EchoServer --mode iterative          # a second client connects, but waits its turn");
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
                System.out.println("stopped: " + server.loop.accepted() + " connections accepted, "
                        + server.loop.refused() + " refused, " + server.loop.failed() + " failed");
            }));
            System.out.println("EchoServer listening on " + Endpoint.text(server.address()) + " (mode "
                    + mode.get().name().toLowerCase().replace('_', '-') + ", " + limits.get().describe()
                    + "); Ctrl-C stops");
            server.serve();
        });
    }
}
