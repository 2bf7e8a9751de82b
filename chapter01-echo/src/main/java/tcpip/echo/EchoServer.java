package tcpip.echo;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tcpip.cli.Cli;

/** Echoes every byte back until the client closes (java.net), serving clients one of three ways. */
public final class EchoServer implements Closeable {

    /** The port this chapter's programs use unless told otherwise. */
    public static final int DEFAULT_PORT = 7007;
    /** How many bytes one read() may take from the kernel's receive buffer. */
    static final int BUFSIZE = 8192;
    /** Accept-queue length asked of listen(); Linux caps it at net.core.somaxconn. */
    static final int BACKLOG = 4096;
    static final int DEFAULT_MAX_CONNECTIONS = 1000;
    static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a refused client may take to close its end before we close ours. */
    static final Duration REFUSE_DRAIN = Duration.ofSeconds(1);
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

    private final ServerSocket listener;
    private final Mode mode;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final PrintStream log;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    private EchoServer(ServerSocket listener, Mode mode, int maxConnections, Duration idleTimeout, PrintStream log) {
        this.listener = listener;
        this.mode = mode;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.log = log;
    }

    /**
     * Creates the listening socket: bind() claims the address and port, listen() makes the kernel
     * answer SYNs for it (a LISTEN row appears in /proc/net/tcp). Port 0 lets the kernel pick.
     *
     * @param log where to report each connection, or null for silence
     */
    public static EchoServer bind(InetAddress address, int port, Mode mode, int maxConnections,
            Duration idleTimeout, PrintStream log) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            // SO_REUSEADDR: restart at once even while old connections on this port sit in TIME_WAIT.
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(address, port), BACKLOG);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new EchoServer(listener, mode, maxConnections, idleTimeout, log);
    }

    /** The port the kernel bound (the one asked for, or the one it picked for port 0). */
    public int port() {
        return listener.getLocalPort();
    }

    /** The address clients connect to, e.g. 127.0.0.1:7007. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.size();
    }

    /** The most connections this server ever served at the same time. */
    public int peakOpenConnections() {
        return peakOpen.get();
    }

    /** Connections refused because {@code maxConnections} were already open. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Accepts and serves clients until {@link #close()} is called. */
    public void serve() throws IOException {
        while (!listener.isClosed()) {
            Socket client;
            try {
                // accept(): takes a connection the kernel already finished (Three way handshake done)
                // off the accept queue and gives it its own descriptor.
                client = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return; // close() was called: stop serving
                }
                say("accept failed: " + Cli.describe(e));
                continue;
            }
            accepted.incrementAndGet();
            if (open.size() >= maxConnections) {
                refuse(client);
                continue;
            }
            open.add(client);
            peakOpen.accumulateAndGet(open.size(), Math::max);
            switch (mode) {
                case ITERATIVE -> echo(client); // nobody else is accepted until this client leaves
                case THREAD_PER_CLIENT -> Thread.ofPlatform().name("echo-" + client.getPort()).start(() -> echo(client));
                case VIRTUAL -> Thread.ofVirtual().name("echo-" + client.getPort()).start(() -> echo(client));
            }
        }
    }

    /** Echoes one client's bytes until its FIN arrives, its deadline passes, or it resets. */
    private void echo(Socket client) {
        String peer = peer(client);
        long bytes = 0;
        try (client) {
            say("accepted " + peer + " (" + open.size() + " open)");
            // A read deadline: a client that sends nothing for idleTimeout is closed, not waited on forever.
            client.setSoTimeout((int) idleTimeout.toMillis());
            // Send each echo at once instead of waiting to combine it with later writes (Nagle).
            client.setTcpNoDelay(true);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buf = new byte[BUFSIZE];
            int n;
            // read(): copies what the kernel's receive buffer holds (1 to BUFSIZE bytes), waiting if empty.
            // read() == -1: the client's FIN arrived, it will send nothing more.
            while ((n = in.read(buf)) != -1) {
                // write(): copies into the kernel's send buffer; the kernel sends it as segments.
                out.write(buf, 0, n);
                bytes += n;
            }
            say("closed " + peer + ": client sent FIN after " + bytes + " bytes");
        } catch (SocketTimeoutException e) {
            say("closed " + peer + ": nothing received for " + idleTimeout.toMillis() + " ms (--idle-timeout)");
        } catch (IOException e) {
            // e.g. "Connection reset": the client sent RST. Only this client is affected.
            say("dropped " + peer + " after " + bytes + " bytes: " + Cli.describe(e));
        } finally {
            open.remove(client); // try-with-resources closed it: our FIN goes out, the descriptor is freed
        }
    }

    /**
     * Over the cap: tell the client why and send FIN, on a virtual thread so accept() goes on.
     * The kernel had already accepted it. Closing while the client's bytes sit unread would send
     * RST (which may destroy our message), so drain them until the client's FIN, for at most
     * {@link #REFUSE_DRAIN}.
     */
    private void refuse(Socket client) {
        refused.incrementAndGet();
        String peer = peer(client);
        say("refused " + peer + ": " + open.size() + " open, the limit (--max-connections " + maxConnections + ")");
        Thread.ofVirtual().start(() -> {
            try (client) {
                client.getOutputStream().write(String.format(BUSY, maxConnections).getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput(); // FIN right after the message
                client.setSoTimeout((int) REFUSE_DRAIN.toMillis());
                client.getInputStream().skip(Long.MAX_VALUE); // discard until the client's FIN (read() == -1)
            } catch (IOException e) {
                // the refused client is gone or too slow to leave; close() follows either way
            }
        });
    }

    /** Stops accepting (closes the LISTEN socket) and closes every open connection. */
    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private static String peer(Socket s) {
        return Endpoint.text(s.getRemoteSocketAddress());
    }

    private void say(String line) {
        if (log != null) {
            log.println(line);
        }
    }

    public static void main(String[] args) {
        Cli cli = new Cli("EchoServer", "Echoes every byte back until the client closes (java.net sockets).");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.VIRTUAL,
                "how clients are served: one at a time, a platform thread each, or a virtual thread each");
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 1_000_000,
                "clients served at once; more are told 'server busy' and closed");
        Cli.Option<Duration> idle = cli.durationOption("--idle-timeout", DEFAULT_IDLE_TIMEOUT,
                "close a client that sends nothing for this long");
        Cli.Option<Boolean> quiet = cli.flag("--quiet", "do not print a line per connection");
        cli.example("EchoServer --port 7007");
        cli.example("EchoServer --mode iterative          # a second client connects, but waits its turn");
        cli.example("EchoServer --bind ::1 --idle-timeout 10s");
        cli.parse(args);
        if (idle.get().isZero() || idle.get().toMillis() > Integer.MAX_VALUE) {
            System.err.println("EchoServer: --idle-timeout must be between 1ms and 24 days (try --help)");
            System.exit(Cli.EXIT_USAGE);
        }
        cli.run(() -> {
            EchoServer server = bind(InetAddress.getByName(bind.get()), port.get(), mode.get(), max.get(),
                    idle.get(), quiet.get() ? null : System.out);
            Thread main = Thread.currentThread();
            // Ctrl-C: close the LISTEN socket and every connection, then let main finish.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                    main.join(Duration.ofSeconds(2));
                } catch (IOException | InterruptedException e) {
                    // exiting anyway
                }
                System.out.println("stopped: " + server.accepted.get() + " connections accepted, "
                        + server.refused.get() + " refused");
            }));
            System.out.println("EchoServer listening on " + Endpoint.text(server.address()) + " (mode "
                    + mode.get().name().toLowerCase().replace('_', '-') + ", max " + max.get()
                    + " connections, idle timeout " + idle.get().toMillis() + " ms); Ctrl-C stops");
            server.serve();
        });
    }
}
