package tcpip.segmentation.framing;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.AcceptLoop;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Prints the size of every read() a client's data needs ({@link StreamCore}): a TCP stream keeps
 * no trace of how the sender cut it into write() calls (article: 데이터 송수신).
 */
public final class ReadSizeServer {

    /**
     * Bytes one read() may return at most: 2 MiB, more than the receive queue holds at once, so
     * the sizes show how the KERNEL hands the data over, not how a small buffer cuts it.
     */
    public static final int BUFSIZE = 2 << 20;
    /** Clients served at once by default: each holds a {@link #BUFSIZE} buffer while it is served. */
    public static final int MAX_CONNECTIONS = 16;
    /** How many read sizes are printed one by one before the rest is summarised. */
    private static final int SHOWN = 20;

    private ReadSizeServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("ReadSizeServer", Msg.get("ReadSizeServer.summary"));
        ServerOptions options = new ServerOptions(cli, MAX_CONNECTIONS, false)
                .withRequestTimeout("ReadSizeServer.opt.requestTimeout");
        Cli.Option<Long> bufsize = cli.sizeOption("--buffer", BUFSIZE, 1, 16 << 20, Msg.get("ReadSizeServer.opt.buffer"));
        Cli.Option<Duration> delay = cli.durationOption("--read-delay", Duration.ZERO, Duration.ZERO,
                Duration.ofMinutes(1), Msg.get("ReadSizeServer.opt.readDelay"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=ReadSizeServer -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=ReadSizeServer -Dargs=\"--port 7203 --read-delay 200ms\"");
        cli.parse(args);
        cli.run(() -> {
            // Only receives: the "request" is the whole connection, accept() to the client's FIN (--request-timeout).
            ServerSocket listener = options.listenWholeConnections();
            ServerOptions.run(ReadSizeServer.class, listener, loop(listener, options.limits(), Math.toIntExact(bufsize.get()),
                    delay.get(), System.out::println), "ReadSizeServer.listening");
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, int bufsize, Duration readDelay,
            Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            ServerOptions.wholeConnection(client); // its clock starts at accept: the read delay counts
            // Not reading for a while IS the subject: meanwhile the kernel keeps queueing whatever
            // arrives, and the first read() takes it all at once.
            LockSupport.parkNanos(readDelay.toNanos());
            List<Integer> sizes = StreamCore.readSizes(client, new byte[bufsize], Long.MAX_VALUE);
            log.accept(describe(client.getInetAddress().getHostAddress() + ":" + client.getPort(), sizes));
        }, null, log);
    }

    /** One paragraph about a client's reads: the first sizes, then count, min, max, total. */
    public static String describe(String who, List<Integer> sizes) {
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        if (sizes.isEmpty()) {
            return Msg.get("ReadSizeServer.none", who, total);
        }
        int min = sizes.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
        String shown = String.valueOf(sizes.subList(0, Math.min(SHOWN, sizes.size())));
        return Msg.get("ReadSizeServer.reads", who, total, sizes.size(), min, max) + System.lineSeparator()
                + (sizes.size() > SHOWN ? Msg.get("ReadSizeServer.sizesMore", shown, sizes.size() - SHOWN)
                        : Msg.get("ReadSizeServer.sizes", shown));
    }
}
