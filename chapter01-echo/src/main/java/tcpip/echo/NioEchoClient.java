package tcpip.echo;

import tcpip.net.ChannelDeadline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.net.Closeables;
import tcpip.net.LogSafe;

/** The echo client with a blocking SocketChannel ({@link NioEchoCore}): lines from stdin (or --message), each echo read in full. */
public final class NioEchoClient {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private NioEchoClient() {
    }

    /** {@link NioEchoCore#connect}, with Nagle off so each line leaves at once. */
    public static SocketChannel connect(InetSocketAddress server) throws IOException {
        SocketChannel channel = NioEchoCore.connect(server);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return channel;
    }

    /** Sends {@code message} and returns the whole echo; every read and write has a {@code timeout} deadline. */
    public static ByteBuffer roundTrip(SocketChannel channel, ByteBuffer message, Duration timeout) throws IOException {
        ByteChannel guarded = new ChannelDeadline(channel, timeout, timeout);
        ByteBuffer echo = ByteBuffer.allocate(message.remaining());
        if (message.remaining() <= EchoClient.INLINE_WRITE_LIMIT) {
            NioEchoCore.send(guarded, message);
            NioEchoCore.receive(guarded, echo);
            return echo.flip();
        }
        // Large: write from another thread while this one reads, so neither side's buffers fill up
        // with nobody draining them (see EchoClient.roundTrip).
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                NioEchoCore.send(guarded, message);
            } catch (IOException e) {
                writeFailure.set(e);
            }
        });
        try {
            NioEchoCore.receive(guarded, echo);
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

    static void echoLines(SocketChannel channel, BufferedReader lines, Duration timeout) throws IOException {
        System.out.println("connected " + Endpoint.text(channel.getLocalAddress()) + " -> "
                + Endpoint.text(channel.getRemoteAddress()) + " (local port chosen by the kernel)");
        long bytes = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            ByteBuffer message = StandardCharsets.UTF_8.encode(line + "\n");
            ByteBuffer echo = roundTrip(channel, message.duplicate(), timeout);
            if (!echo.equals(message)) {
                throw new IOException("not an echo: the server answered \""
                        + LogSafe.text(StandardCharsets.UTF_8.decode(echo).toString().strip()) + "\"");
            }
            bytes += echo.remaining();
            System.out.println("echo: " + LogSafe.text(StandardCharsets.UTF_8.decode(echo).toString().stripTrailing()));
        }
        System.out.println("closing: " + bytes + " bytes sent and " + bytes + " echoed; close() sends FIN");
    }

    public static void main(String[] args) {
        Cli cli = new Cli("NioEchoClient", "Sends lines (stdin or --message) over a blocking SocketChannel and prints each echo.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<String> message = cli.stringOption("--message", null, "send this one line instead of reading stdin");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                "give up on a read or a write after this long");
        cli.example("NioEchoClient --message hello");
        cli.example("NioEchoClient --host ::1 --port 7007");
        cli.parse(args);
        InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
        AtomicBoolean stopping = new AtomicBoolean();
        cli.run(() -> {
            if (server.isUnresolved()) {
                throw new IOException("cannot resolve host '" + host.get() + "'");
            }
            BufferedReader lines = message.get() != null ? new BufferedReader(new StringReader(message.get()))
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (SocketChannel channel = connect(server)) {
                // Ctrl-C or kill: one line, the connection closed; the JVM exits with the signal's
                // non-zero status (130 for SIGINT, 143 for SIGTERM).
                Thread hook = new Thread(() -> {
                    stopping.set(true);
                    Closeables.closeQuietly(channel);
                    System.err.println("NioEchoClient: interrupted before the input ended; connection closed");
                });
                Runtime.getRuntime().addShutdownHook(hook);
                try {
                    echoLines(channel, lines, timeout.get());
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        stopping.set(true);
                    }
                }
            } catch (IOException e) {
                if (stopping.get()) {
                    Thread.currentThread().join(); // the hook says why; the JVM exits when it is done
                }
                throw e;
            }
        });
    }
}
