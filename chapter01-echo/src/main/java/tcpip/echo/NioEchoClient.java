package tcpip.echo;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;

/** The echo client with a blocking SocketChannel: lines from stdin (or --message), each echo read in full. */
public final class NioEchoClient {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private NioEchoClient() {
    }

    /** open() creates the socket (and its descriptor); connect() does the Three way handshake. */
    public static SocketChannel connect(InetSocketAddress server) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(server); // blocking: returns once SYN+ACK arrived and our ACK is sent
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /** Sends {@code message} and returns the whole echo. */
    public static ByteBuffer roundTrip(SocketChannel channel, ByteBuffer message, Duration timeout) throws IOException {
        ByteBuffer echo = ByteBuffer.allocate(message.remaining());
        if (message.remaining() <= EchoClient.INLINE_WRITE_LIMIT) {
            writeAll(channel, message);
            readFully(channel, echo, timeout);
            return echo.flip();
        }
        // Large: write from another thread while this one reads, so neither side's buffers fill up
        // with nobody draining them (see EchoClient.roundTrip).
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                writeAll(channel, message);
            } catch (IOException e) {
                writeFailure.set(e);
            }
        });
        try {
            readFully(channel, echo, timeout);
        } finally {
            try {
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (writeFailure.get() != null) {
            throw writeFailure.get();
        }
        return echo.flip();
    }

    /** write() may take only part of the buffer: repeat until nothing remains. */
    static void writeAll(SocketChannel channel, ByteBuffer data) throws IOException {
        while (data.hasRemaining()) {
            channel.write(data);
        }
    }

    /** read() returns what has arrived so far, maybe part of the echo: repeat until the buffer is full. */
    static void readFully(SocketChannel channel, ByteBuffer into, Duration timeout) throws IOException {
        while (into.hasRemaining()) {
            if (ReadDeadline.read(channel, into, timeout) == -1) {
                throw new EOFException("server closed the connection after " + into.position() + " of "
                        + into.capacity() + " echoed bytes");
            }
        }
    }

    static void echoLines(InetSocketAddress server, BufferedReader lines, Duration timeout) throws IOException {
        try (SocketChannel channel = connect(server)) {
            System.out.println("connected " + Endpoint.text(channel.getLocalAddress()) + " -> "
                    + Endpoint.text(channel.getRemoteAddress()) + " (local port chosen by the kernel)");
            long bytes = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                ByteBuffer message = StandardCharsets.UTF_8.encode(line + "\n");
                ByteBuffer echo = roundTrip(channel, message.duplicate(), timeout);
                if (!echo.equals(message)) {
                    throw new IOException("not an echo: the server answered \""
                            + StandardCharsets.UTF_8.decode(echo).toString().strip() + "\"");
                }
                bytes += echo.remaining();
                System.out.println("echo: " + StandardCharsets.UTF_8.decode(echo).toString().stripTrailing());
            }
            System.out.println("closing: " + bytes + " bytes sent and " + bytes + " echoed; close() sends FIN");
        }
    }

    public static void main(String[] args) {
        Cli cli = new Cli("NioEchoClient", "Sends lines (stdin or --message) over a blocking SocketChannel and prints each echo.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<String> message = cli.stringOption("--message", null, "send this one line instead of reading stdin");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                "give up on a read after this long");
        cli.example("NioEchoClient --message hello");
        cli.example("NioEchoClient --host ::1 --port 7007");
        cli.parse(args);
        if (timeout.get().isZero()) {
            System.err.println("NioEchoClient: --timeout must be longer than 0 (try --help)");
            System.exit(Cli.EXIT_USAGE);
        }
        InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
        cli.run(() -> {
            if (server.isUnresolved()) {
                throw new IOException("cannot resolve host '" + host.get() + "'");
            }
            BufferedReader lines = message.get() != null ? new BufferedReader(new StringReader(message.get()))
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            echoLines(server, lines, timeout.get());
        });
    }
}
