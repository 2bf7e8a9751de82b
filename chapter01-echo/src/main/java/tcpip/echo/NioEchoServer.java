package tcpip.echo;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tcpip.cli.Cli;

/**
 * The echo server with NIO channels in blocking mode: ServerSocketChannel, SocketChannel and a
 * ByteBuffer that is filled by read(), flipped, drained by write() and compacted. A virtual
 * thread serves each client.
 */
public final class NioEchoServer implements Closeable {

    /** Bytes one read() may move from the kernel's receive buffer into our ByteBuffer. */
    static final int BUFSIZE = 8192;
    static final int BACKLOG = EchoServer.BACKLOG;

    private final ServerSocketChannel listener;
    private final int maxConnections;
    private final Duration idleTimeout;
    private final PrintStream log;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    private NioEchoServer(ServerSocketChannel listener, int maxConnections, Duration idleTimeout, PrintStream log) {
        this.listener = listener;
        this.maxConnections = maxConnections;
        this.idleTimeout = idleTimeout;
        this.log = log;
    }

    /** open(): the socket and its descriptor exist at once; bind() with a backlog also listens. */
    public static NioEchoServer bind(InetAddress address, int port, int maxConnections, Duration idleTimeout,
            PrintStream log) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(address, port), BACKLOG); // bind() + listen(): a LISTEN row
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new NioEchoServer(listener, maxConnections, idleTimeout, log);
    }

    public int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** Accepts clients until {@link #close()}; each gets a virtual thread. */
    public void serve() throws IOException {
        while (listener.isOpen()) {
            SocketChannel client;
            try {
                client = listener.accept(); // blocking: waits for a connection the kernel has finished
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
                say("accept failed: " + Cli.describe(e));
                continue;
            }
            if (open.size() >= maxConnections) {
                refuse(client);
                continue;
            }
            open.add(client);
            Thread.ofVirtual().start(() -> echo(client));
        }
    }

    private void echo(SocketChannel client) {
        String peer = peer(client);
        long bytes = 0;
        try (client) {
            say("accepted " + peer + " (" + open.size() + " open)");
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ByteBuffer buf = ByteBuffer.allocate(BUFSIZE);
            while (true) {
                // read(): moves what the kernel received (up to buf.remaining()) into buf; -1 = the client's FIN.
                int n = ReadDeadline.read(client, buf, idleTimeout);
                if (n == -1) {
                    break;
                }
                bytes += n;
                buf.flip();      // from filling to draining: position 0, limit = bytes in hand
                client.write(buf); // may send only part (then buf.hasRemaining() stays true)
                buf.compact();   // keep the unsent bytes at the front, make room after them
            }
            buf.flip();
            while (buf.hasRemaining()) { // anything still unsent goes out before our FIN
                client.write(buf);
            }
            say("closed " + peer + ": client sent FIN after " + bytes + " bytes");
        } catch (SocketTimeoutException e) {
            say("closed " + peer + ": nothing received for " + idleTimeout.toMillis() + " ms (--idle-timeout)");
        } catch (IOException e) {
            say("dropped " + peer + " after " + bytes + " bytes: " + Cli.describe(e));
        } finally {
            open.remove(client);
        }
    }

    /** Over the cap: the message, FIN, then drain until the client's FIN (see EchoServer.refuse). */
    private void refuse(SocketChannel client) {
        String peer = peer(client);
        say("refused " + peer + ": " + open.size() + " open, the limit (--max-connections " + maxConnections + ")");
        Thread.ofVirtual().start(() -> {
            try (client) {
                ByteBuffer busy = StandardCharsets.UTF_8.encode(String.format(EchoServer.BUSY, maxConnections));
                while (busy.hasRemaining()) {
                    client.write(busy);
                }
                client.shutdownOutput(); // FIN right after the message
                ByteBuffer discard = ByteBuffer.allocate(BUFSIZE);
                while (ReadDeadline.read(client, discard.clear(), EchoServer.REFUSE_DRAIN) != -1) {
                    // the client's bytes are not served; read() == -1 is its FIN
                }
            } catch (IOException e) {
                // gone, or too slow to leave
            }
        });
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (SocketChannel c : open) {
            c.close();
        }
    }

    private static String peer(SocketChannel c) {
        try {
            return Endpoint.text(c.getRemoteAddress());
        } catch (IOException e) {
            return "(unknown peer)";
        }
    }

    private void say(String line) {
        if (log != null) {
            log.println(line);
        }
    }

    public static void main(String[] args) {
        Cli cli = new Cli("NioEchoServer", "Echoes every byte back with NIO channels in blocking mode (a virtual thread per client).");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<Integer> max = cli.intOption("--max-connections", EchoServer.DEFAULT_MAX_CONNECTIONS, 1, 1_000_000,
                "clients served at once; more are told 'server busy' and closed");
        Cli.Option<Duration> idle = cli.durationOption("--idle-timeout", EchoServer.DEFAULT_IDLE_TIMEOUT,
                "close a client that sends nothing for this long");
        Cli.Option<Boolean> quiet = cli.flag("--quiet", "do not print a line per connection");
        cli.example("NioEchoServer --port 7007");
        cli.example("NioEchoServer --bind ::1 --idle-timeout 5s");
        cli.parse(args);
        if (idle.get().isZero()) {
            System.err.println("NioEchoServer: --idle-timeout must be longer than 0 (try --help)");
            System.exit(Cli.EXIT_USAGE);
        }
        cli.run(() -> {
            NioEchoServer server = bind(InetAddress.getByName(bind.get()), port.get(), max.get(), idle.get(),
                    quiet.get() ? null : System.out);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (IOException e) {
                    // exiting anyway
                }
                System.out.println("stopped");
            }));
            System.out.println("NioEchoServer listening on " + Endpoint.text(server.address()) + " (max " + max.get()
                    + " connections, idle timeout " + idle.get().toMillis() + " ms); Ctrl-C stops");
            server.serve();
        });
    }
}
