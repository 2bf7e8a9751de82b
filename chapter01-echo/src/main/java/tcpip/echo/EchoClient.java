package tcpip.echo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.net.LogSafe;

/**
 * Sends each line of stdin (or {@code --message}) to an echo server and prints the echo; with
 * {@code --ping} measures round-trip times, with {@code --load} drives many connections at once.
 */
public final class EchoClient {

    /** Up to this size the echo fits in the two kernels' buffers, so writing all before reading is safe. */
    static final int INLINE_WRITE_LIMIT = 64 * 1024;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private EchoClient() {
    }

    /**
     * {@link EchoCore#connect} (the Three way handshake), then a read deadline and Nagle off: the
     * hardening a client needs around the lesson's call.
     */
    public static Socket connect(InetSocketAddress server, Duration timeout) throws IOException {
        Socket socket = EchoCore.connect(server, Math.toIntExact(timeout.toMillis()));
        try {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis())); // a read that waits longer than this fails
            socket.setTcpNoDelay(true); // send each message at once (chapter03 shows what Nagle does otherwise)
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** Sends {@code message} and returns the echo, all of it. */
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
        // writes while this one reads.
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
        } finally {
            joinUninterruptibly(writer);
        }
        if (writeFailure.get() != null) {
            throw writeFailure.get();
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
    static void echoLines(InetSocketAddress server, BufferedReader lines, Duration timeout) throws IOException {
        try (Socket socket = connect(server, timeout)) {
            System.out.println("connected " + Endpoint.text(socket.getLocalSocketAddress()) + " -> "
                    + Endpoint.text(socket.getRemoteSocketAddress()) + " (local port " + socket.getLocalPort()
                    + " chosen by the kernel)");
            long bytes = 0;
            String line;
            while ((line = lines.readLine()) != null) {
                byte[] message = (line + "\n").getBytes(StandardCharsets.UTF_8);
                byte[] echo = roundTrip(socket, message);
                if (!java.util.Arrays.equals(echo, message)) {
                    // Not our bytes back: show what the server said (and whatever else has arrived).
                    byte[] more = readWhatHasArrived(socket.getInputStream());
                    throw new IOException("not an echo: the server answered \"" + LogSafe.text(
                            (new String(echo, StandardCharsets.UTF_8) + new String(more, StandardCharsets.UTF_8)).strip())
                            + "\"");
                }
                bytes += echo.length;
                System.out.println("echo: " + LogSafe.text(new String(echo, StandardCharsets.UTF_8).stripTrailing()));
            }
            System.out.println("closing: " + bytes + " bytes sent and " + bytes + " echoed; close() sends FIN");
            EchoCore.close(socket);
        }
    }

    public static void main(String[] args) {
        Cli cli = new Cli("EchoClient", "Sends lines (stdin or --message) to an echo server and prints each echo.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Cli.Option<String> message = cli.stringOption("--message", null, "send this one line instead of reading stdin");
        Cli.Option<Integer> ping = cli.intOption("--ping", 0, 0, 10_000_000,
                "measure N round trips of --size bytes: min, p50, p99 (0 = off)");
        Cli.Option<Integer> load = cli.intOption("--load", 0, 0, 100_000,
                "open C connections at once (virtual threads), each doing round trips (0 = off)");
        Cli.Option<Long> size = cli.sizeOption("--size", 64, 1, 64L << 20, "message size for --ping and --load");
        Cli.Option<Integer> warmup = cli.intOption("--warmup", EchoPing.DEFAULT_WARMUP, 0, 10_000_000,
                "round trips before --ping starts measuring (lets the JIT compile the loop)");
        Cli.Option<Integer> requests = cli.intOption("--requests", EchoLoad.DEFAULT_REQUESTS, 1, 100_000_000,
                "round trips per connection in --load");
        Cli.Option<Duration> duration = cli.durationOption("--duration", null,
                "in --load, do round trips for this long instead of --requests");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                "give up on a connect or a read after this long");
        cli.example("EchoClient --message hello");
        cli.example("printf 'one\\ntwo\\n' | EchoClient --port 7007");
        cli.example("EchoClient --host ::1 --ping 10000 --size 64");
        cli.example("EchoClient --load 1000 --duration 10s");
        cli.parse(args);
        if (ping.get() > 0 && load.get() > 0) {
            usageError("choose one of --ping and --load");
        }
        InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
        cli.run(() -> {
            if (server.isUnresolved()) {
                throw new IOException("cannot resolve host '" + host.get() + "'");
            }
            if (ping.get() > 0) {
                EchoPing.run(server, ping.get(), warmup.get(), size.get().intValue(), timeout.get());
            } else if (load.get() > 0) {
                EchoLoad.Result r = EchoLoad.run(server, load.get(), size.get().intValue(), requests.get(),
                        duration.get(), timeout.get(), System.out);
                if (r.errors() > 0) {
                    System.exit(Cli.EXIT_FAILURE);
                }
            } else if (message.get() != null) {
                echoLines(server, new BufferedReader(new java.io.StringReader(message.get())), timeout.get());
            } else {
                echoLines(server, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        timeout.get());
            }
        });
    }

    private static void usageError(String what) {
        System.err.println("EchoClient: " + what + " (try --help)");
        System.exit(Cli.EXIT_USAGE);
    }
}
