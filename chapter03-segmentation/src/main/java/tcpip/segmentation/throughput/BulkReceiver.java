package tcpip.segmentation.throughput;

import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.AcceptLoop;
import tcpip.net.RequestDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Reads everything a sender sends until its FIN, then answers with the byte count
 * ({@link ThroughputCore#receive}): the receiving half of the throughput sweep, behind the shared
 * accept loop. It writes only 8 bytes per connection, so it needs no write deadline.
 */
public final class BulkReceiver {

    /** Bytes per read() at most (one direct buffer per connection). */
    public static final int BUFSIZE = 1 << 20;
    /** Senders served at once by default: each holds a {@link #BUFSIZE} buffer. */
    public static final int MAX_CONNECTIONS = 64;

    private BulkReceiver() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("BulkReceiver", Msg.get("BulkReceiver.summary"));
        ServerOptions options = new ServerOptions(cli, MAX_CONNECTIONS, false)
                .withRequestTimeout("BulkReceiver.opt.requestTimeout");
        Cli.Option<Boolean> quiet = cli.flag("--quiet", Msg.get("BulkReceiver.opt.quiet"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BulkReceiver -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            ServerSocket listener = options.listenChannel();
            Consumer<String> log = quiet.get() ? line -> { } : System.out::println;
            ServerOptions.run(BulkReceiver.class, listener, loop(listener, options.limits(), options.requestTimeout(), log),
                    "BulkReceiver.listening");
        });
    }

    /** The accept loop on a listener from {@code ServerSocketChannel.socket()}, each sender given the default 60 s. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Consumer<String> log) {
        return loop(listener, limits, AcceptLoop.DEFAULT_REQUEST_DEADLINE, log);
    }

    /**
     * The same with a whole-connection deadline ({@code --request-timeout}): a sender must be done, FIN
     * included, within {@code whole} of accept(), however it spaces its bytes; past it, one log line and
     * the connection is closed. A channel has no {@code GuardedListener}: the receive loop checks it.
     */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Duration whole, Consumer<String> log) {
        // Direct buffers are reused: at most one per connection served at once, however many come and go.
        Queue<ByteBuffer> buffers = new ConcurrentLinkedQueue<>();
        return new AcceptLoop(listener, limits, Thread.ofPlatform().factory(), client -> {
            long start = System.nanoTime();
            RequestDeadline deadline = RequestDeadline.explicit(whole);
            deadline.begin(); // the whole connection, from accept() to the sender's FIN
            ByteBuffer buf = Objects.requireNonNullElseGet(buffers.poll(), () -> ByteBuffer.allocateDirect(BUFSIZE));
            long n;
            try {
                n = ThroughputCore.receive(client.getChannel(), buf, limits.readDeadline(), deadline); // Exceeded: the loop logs it
            } finally {
                buffers.add(buf);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            log.accept(Msg.get("BulkReceiver.done", client.getInetAddress().getHostAddress() + ":" + client.getPort(),
                    String.format("%,d", n), String.format("%.2f", seconds), String.format("%,.0f", n / seconds / 1e6)));
        }, null, log);
    }
}
