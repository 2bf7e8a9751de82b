package tcpip.echo.blocking;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.Msg;
import tcpip.echo.load.EchoLoad;
import tcpip.echo.load.EchoPing;
import tcpip.kernel.Endpoint;
import tcpip.net.ExchangeDeadline;
import tcpip.net.LogSafe;

/**
 * Sends each line of stdin (or {@code --message}) to an echo server and prints the echo; with
 * {@code --ping} measures round-trip times, with {@code --load} drives many connections at once.
 */
public final class EchoClient {

    /** Up to this size the echo fits in the two kernels' buffers, so writing all before reading is safe. */
    public static final int INLINE_WRITE_LIMIT = 64 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A socket with no read timeout: its round trips have no deadline either. */
    private static final Duration FOREVER = Duration.ofDays(365);

    private EchoClient() {
    }

    /**
     * {@link EchoCore#connect} (the Three way handshake), then a read deadline and Nagle off: the
     * hardening a client needs around the lesson's call.
     */
    public static Socket connect(InetSocketAddress server, Duration timeout) throws IOException {
        return harden(EchoCore.connect(server, Math.toIntExact(timeout.toMillis())), timeout);
    }

    /** A read deadline and Nagle off on a connected socket (closed if that fails). */
    public static Socket harden(Socket socket, Duration timeout) throws IOException {
        try {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis())); // a read that waits longer than this fails
            socket.setTcpNoDelay(true); // send each message at once (chapter03 shows what Nagle does otherwise)
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * Sends {@code message} and returns the echo, all of it. Over 64 KiB the whole round trip (write and
     * echo) must end within the socket's read timeout, or the socket is closed and the IOException says so.
     */
    public static byte[] roundTrip(Socket socket, byte[] message) throws IOException {
        byte[] echo = new byte[message.length];
        if (message.length <= INLINE_WRITE_LIMIT) {
            EchoCore.send(socket, message);
            EchoCore.receive(socket, echo);
            return echo;
        }
        // A large message: the server echoes while we are still writing. If nobody read the echo,
        // our receive buffer and the server's send buffer would fill, the server would stop reading,
        // our send buffer would fill, and both sides would wait in write() forever. So one thread
        // writes while this one reads. SO_TIMEOUT bounds a silent read only, not a write() to a server
        // that never reads nor an echo that trickles: the whole round trip gets the same limit, after
        // which the socket is closed and both calls fail.
        int ms = socket.getSoTimeout();
        try (ExchangeDeadline deadline = ExchangeDeadline.arm(socket, ms > 0 ? Duration.ofMillis(ms) : FOREVER)) {
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    EchoCore.send(socket, message);
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            });
            try {
                EchoCore.receive(socket, echo);
            } catch (IOException e) {
                socket.close(); // the writer may be blocked in write(): this ends it
                throw deadline.explain(e);
            } finally {
                joinUninterruptibly(writer);
            }
            if (writeFailure.get() != null) {
                throw deadline.explain(writeFailure.get());
            }
        }
        return echo;
    }

    /** The bytes already received, without waiting for more (none if the connection broke). */
    private static byte[] readWhatHasArrived(InputStream in) {
        try {
            return in.readNBytes(in.available());
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Line mode: one round trip per line of {@code lines}, printing each echo. */
    public static void echoLines(InetSocketAddress server, BufferedReader lines, Duration timeout) throws IOException {
        try (Socket socket = connect(server, timeout)) {
            System.out.println(Msg.get("EchoClient.connected", Endpoint.text(socket.getLocalSocketAddress()),
                    Endpoint.text(socket.getRemoteSocketAddress()), String.valueOf(socket.getLocalPort())));
            long bytes = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                byte[] message = (line + "\n").getBytes(StandardCharsets.UTF_8);
                byte[] echo = roundTrip(socket, message);
                if (!Arrays.equals(echo, message)) {
                    // Not our bytes back: show what the server said (and whatever else has arrived).
                    // Decoded as one array: a character split between the two (Hangul is 3 bytes) stays whole.
                    byte[] more = readWhatHasArrived(socket.getInputStream());
                    byte[] reply = Arrays.copyOf(echo, echo.length + more.length);
                    System.arraycopy(more, 0, reply, echo.length, more.length);
                    throw new IOException(Msg.get("EchoClient.notAnEcho",
                            LogSafe.text(new String(reply, StandardCharsets.UTF_8).strip())));
                }
                bytes += echo.length;
                System.out.println(Msg.get("EchoClient.echo",
                        LogSafe.text(new String(echo, StandardCharsets.UTF_8).stripTrailing())));
            }
            System.out.println(Msg.get("EchoClient.closing", String.valueOf(bytes), String.valueOf(bytes)));
            EchoCore.close(socket);
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("EchoClient", Msg.get("EchoClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<String> message = cli.stringOption("--message", null, Msg.get("EchoClient.opt.message"));
        Cli.Option<Integer> ping = cli.intOption("--ping", 0, 0, 10_000_000, Msg.get("EchoClient.opt.ping"));
        Cli.Option<Integer> load = cli.intOption("--load", 0, 0, 100_000, Msg.get("EchoClient.opt.load"));
        Cli.Option<Long> size = cli.sizeOption("--size", 64, 1, 64L << 20, Msg.get("EchoClient.opt.size"));
        Cli.Option<Integer> warmup = cli.intOption("--warmup", EchoPing.DEFAULT_WARMUP, 0, 10_000_000,
                Msg.get("EchoClient.opt.warmup"));
        Cli.Option<Integer> requests = cli.intOption("--requests", EchoLoad.DEFAULT_REQUESTS, 1, 100_000_000,
                Msg.get("EchoClient.opt.requests"));
        Cli.Option<Duration> duration = cli.durationOption("--duration", null, Msg.get("EchoClient.opt.duration"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                Msg.get("EchoClient.opt.timeout"));
        Cli.Option<Integer> sources = cli.intOption("--sources", 1, 1, EchoLoad.MAX_SOURCES,
                Msg.get("EchoClient.opt.sources"));
        cli.example("EchoClient --message hello");
        cli.example("printf 'one\\ntwo\\n' | EchoClient --port 7007");
        cli.example("EchoClient --host ::1 --ping 10000 --size 64");
        cli.example("EchoClient --load 1000 --duration 10s");
        cli.example("EchoClient --load 100000 --sources 8 --duration 10s");
        cli.parse(args);
        if (ping.get() > 0 && load.get() > 0) {
            System.err.println(Msg.get("EchoClient.pingOrLoad", "EchoClient"));
            Cli.exit(Cli.EXIT_USAGE);
        }
        InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
        if (sources.get() > 1 && (load.get() == 0 || !EchoLoad.fromManySources(server))) {
            System.err.println(Msg.get("EchoClient.sourcesNeedLoad", "EchoClient"));
            Cli.exit(Cli.EXIT_USAGE);
        }
        cli.run(() -> {
            if (server.isUnresolved()) {
                throw new IOException(Msg.get("EchoClient.unresolved", host.get()));
            }
            if (ping.get() > 0) {
                EchoPing.run(server, ping.get(), warmup.get(), size.get().intValue(), timeout.get());
            } else if (load.get() > 0) {
                EchoLoad.Result r = EchoLoad.run(server, load.get(), size.get().intValue(), requests.get(),
                        duration.get(), timeout.get(), System.out, sources.get());
                if (r.errors() > 0) { // the report above is on stdout; the failure is one line on stderr, exit 1
                    throw new IOException(Msg.get("EchoClient.loadFailed", String.valueOf(r.errors()),
                            String.valueOf(r.connections()), r.firstError()));
                }
            } else if (message.get() != null) {
                echoLines(server, new BufferedReader(new StringReader(message.get())), timeout.get());
            } else {
                echoLines(server, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        timeout.get());
            }
        });
    }
}
