package tcpip.echo.nio;

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
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.Msg;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.kernel.Endpoint;
import tcpip.net.ChannelDeadline;
import tcpip.net.Closeables;
import tcpip.net.LogSafe;

/** The echo client with a blocking SocketChannel ({@link NioEchoCore}): lines from stdin (or --message), each echo read in full. */
public final class NioEchoClient {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** After a reply that is not an echo, the rest of it is shown too: up to this many bytes more… */
    static final int REST_OF_REPLY_LIMIT = 1024;
    /** …that arrive within this long (a server that answers with a line and FIN, like "server busy", is quicker). */
    static final Duration REST_OF_REPLY_WAIT = Duration.ofMillis(200);

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

    public static void echoLines(SocketChannel channel, BufferedReader lines, Duration timeout) throws IOException {
        System.out.println(Msg.get("NioEchoClient.connected", Endpoint.text(channel.getLocalAddress()),
                Endpoint.text(channel.getRemoteAddress())));
        long bytes = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            ByteBuffer message = StandardCharsets.UTF_8.encode(line + "\n");
            ByteBuffer echo = roundTrip(channel, message.duplicate(), timeout);
            if (!echo.equals(message)) {
                throw new IOException(Msg.get("EchoClient.notAnEcho",
                        LogSafe.text(StandardCharsets.UTF_8.decode(withRestOfReply(channel, echo)).toString().strip())));
            }
            bytes += echo.remaining();
            System.out.println(Msg.get("EchoClient.echo",
                    LogSafe.text(StandardCharsets.UTF_8.decode(echo).toString().stripTrailing())));
        }
        System.out.println(Msg.get("EchoClient.closing", String.valueOf(bytes), String.valueOf(bytes)));
    }

    /**
     * {@code echo} followed by whatever else the server sends within {@link #REST_OF_REPLY_WAIT}, at most
     * {@link #REST_OF_REPLY_LIMIT} bytes: decoded as one, a character split at the echo's length (Hangul
     * is 3 bytes in UTF-8) stays whole. The connection is failing anyway: the deadline may close it.
     */
    private static ByteBuffer withRestOfReply(SocketChannel channel, ByteBuffer echo) {
        ByteBuffer reply = ByteBuffer.allocate(echo.remaining() + REST_OF_REPLY_LIMIT).put(echo.duplicate());
        ByteChannel guarded = new ChannelDeadline(channel, REST_OF_REPLY_WAIT, REST_OF_REPLY_WAIT);
        try {
            while (reply.hasRemaining() && guarded.read(reply) > 0) {
                // more of the reply arrived; -1 (FIN) or the deadline ends it
            }
        } catch (IOException e) {
            // the deadline passed or the connection broke: show what came
        }
        return reply.flip();
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("NioEchoClient", Msg.get("NioEchoClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<String> message = cli.stringOption("--message", null, Msg.get("EchoClient.opt.message"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                Msg.get("NioEchoClient.opt.timeout"));
        cli.example("NioEchoClient --message hello");
        cli.example("NioEchoClient --host ::1 --port 7007");
        cli.parse(args);
        InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
        // Ctrl-C or kill once connected: the connection closed and this line (before that, Cli's own); the JVM
        // exits with the signal's non-zero status (130 for SIGINT, 143 for SIGTERM).
        AtomicReference<SocketChannel> open = new AtomicReference<>();
        cli.onSignal(() -> {
            if (open.get() == null) {
                return null;
            }
            Closeables.closeQuietly(open.get());
            return Msg.get("NioEchoClient.interrupted", "NioEchoClient");
        });
        cli.run(() -> {
            if (server.isUnresolved()) {
                throw new IOException(Msg.get("EchoClient.unresolved", host.get()));
            }
            BufferedReader lines = message.get() != null ? new BufferedReader(new StringReader(message.get()))
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try (SocketChannel channel = connect(server)) {
                open.set(channel);
                echoLines(channel, lines, timeout.get());
            }
        });
    }
}
