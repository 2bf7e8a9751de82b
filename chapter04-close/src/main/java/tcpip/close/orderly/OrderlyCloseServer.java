package tcpip.close.orderly;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.ServerPreload;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;

/** Accepts connections and closes each first or second, showing the Four way handshake states. */
public final class OrderlyCloseServer {

    public static final int DEFAULT_PORT = 7304;
    /** How long the server waits for a client's FIN when the client is to close first. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    /**
     * Connections narrated with the kernel's rows at once. Each narration polls /proc/net/tcp*;
     * a thousand at once (a storm of clients) would spend the CPU and a descriptor each on that,
     * so beyond this many the socket calls run without the kernel view.
     */
    public static final int KERNEL_VIEWS = 4;
    private static final Semaphore VIEWS = new Semaphore(KERNEL_VIEWS);

    private OrderlyCloseServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("OrderlyCloseServer", Msg.get("OrderlyCloseServer.summary"));
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Closer> first = cli.enumOption("--closes-first", Closer.class, Closer.SERVER,
                Msg.get("OrderlyCloseServer.opt.closesFirst"));
        Cli.Option<Duration> pause = cli.durationOption("--second-close-pause", OrderlyCloseCore.SECOND_CLOSER_PAUSE,
                Duration.ZERO, Duration.ofSeconds(10), Msg.get("OrderlyCloseServer.opt.secondClosePause"));
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                Msg.get("Server.opt.maxConnections"));
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", DEFAULT_READ_TIMEOUT,
                Msg.get("OrderlyCloseServer.opt.readTimeout"));
        cli.example("OrderlyCloseServer --port 7304 --closes-first server")
           .example("OrderlyCloseServer --port 7304 --closes-first client --second-close-pause 0s");
        cli.parse(args);
        cli.run(() -> {
            // This server writes nothing: no write deadline needed. SO_REUSEADDR: a restart binds beside its TIME_WAITs.
            InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(bind.get()), port.get());
            try (ServerSocket server = ReuseAddressCore.listen(new ServerSocket(), address, true)) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(server)));
                // Out of descriptors (EMFILE) no class file can be opened: load what a connection needs now.
                ServerPreload.beforeAccept();
                Narrator.stdout().kernel(Msg.get(first.get() == Closer.SERVER
                        ? "OrderlyCloseServer.listening.serverFirst" : "OrderlyCloseServer.listening.clientFirst",
                        Endpoint.text(server.getLocalSocketAddress())));
                loop(server, first.get(), pause.get(), new AcceptLoop.Limits(max.get(), timeout.get()),
                        System.out::println).run();
            }
        });
    }

    /**
     * The accept loop for a bound listener: each connection runs on its own thread, narrates
     * into its own buffer and prints it in one piece, so concurrent clients do not interleave.
     */
    public static AcceptLoop loop(ServerSocket server, Closer first, Duration pause, AcceptLoop.Limits limits,
            Consumer<String> out) {
        // Platform threads, bounded by the cap: the kernel view parses /proc/net/tcp*, CPU work that
        // virtual threads (never time-sliced) would let starve every other connection in a storm.
        return new AcceptLoop(server, limits, Thread.ofPlatform().name("orderly-", 0).factory(),
                s -> serveOne(s, first, pause, out), null, out);
    }

    /** One connection: accept() already happened; close first or second, narrating the kernel's rows. */
    static void serveOne(Socket socket, Closer first, Duration pause, Consumer<String> out) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
        boolean view = VIEWS.tryAcquire();
        try {
            n.program(view ? Msg.get("OrderlyCloseServer.accepted", Endpoint.text(socket.getRemoteSocketAddress()))
                    : Msg.get("OrderlyCloseServer.acceptedNoView",
                            Endpoint.text(socket.getRemoteSocketAddress()), KERNEL_VIEWS));
            if (first == Closer.SERVER) {
                CloseStates.closeFirst(socket, n, false, view);
            } else {
                CloseStates.closeSecond(socket, pause, n, false, view);
            }
        } catch (TimeoutException e) {
            n.note(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (view) {
                VIEWS.release();
            }
            String text = buf.toString(StandardCharsets.UTF_8).stripTrailing();
            if (!text.isEmpty()) {
                out.accept(text);
            }
        }
    }
}
