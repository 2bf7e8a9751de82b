package tcpip.segmentation.buffers;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.SharedTable;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.net.AcceptLoop;
import tcpip.net.RequestDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Accepts a client and does not read for a while, so the client's writes fill the kernel's
 * buffers and block (flow control: the window closes); then drains everything ({@link WindowCore}).
 * A client that resets during the wait is let go at once, so a storm of resets cannot hold slots.
 */
public final class SlowReaderServer {

    /** How often the wait looks at the kernel's row (the client may have gone). */
    private static final Duration CHECK_EVERY = Duration.ofMillis(100);
    /** How often the wait prints the receive queue. */
    private static final Duration PRINT_EVERY = Duration.ofSeconds(1);

    private SlowReaderServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("SlowReaderServer", Msg.get("SlowReaderServer.summary"));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, false)
                .withRequestTimeout("SlowReaderServer.opt.requestTimeout");
        Cli.Option<Duration> hold = cli.durationOption("--hold", Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofHours(1), Msg.get("SlowReaderServer.opt.hold"));
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 0, 0, 1L << 30, Msg.get("SlowReaderServer.opt.rcvbuf"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=SlowReaderServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            // Only receives: the "request" is the whole connection, accept() to the client's FIN (--request-timeout).
            ServerSocket listener = options.unboundWholeConnections();
            if (rcvbuf.get() > 0) {
                listener.setReceiveBufferSize(Math.toIntExact(rcvbuf.get())); // before listen(): inherited
            }
            ServerSocket bound = options.bindAndListen(listener);
            ServerOptions.run(SlowReaderServer.class, bound, loop(bound, options.limits(), hold.get(), System.out::println),
                    "SlowReaderServer.listening", hold.get().toMillis());
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Duration hold, Consumer<String> log) {
        SharedTable table = new SharedTable(CHECK_EVERY);
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            RequestDeadline whole = ServerOptions.wholeConnection(client); // from accept: the hold counts
            String who = client.getInetAddress().getHostAddress() + ":" + client.getPort();
            log.accept(Msg.get("SlowReaderServer.notReading", who, hold.toMillis()));
            if (!hold(client, hold, whole, table, who, log)) {
                log.accept(Msg.get("SlowReaderServer.gone", who));
                return;
            }
            long total = WindowCore.drain(client, Long.MAX_VALUE);
            log.accept(Msg.get("SlowReaderServer.drained", who, total));
        }, null, log);
    }

    /**
     * Waits without reading, printing the receive queue; false if the connection vanished meanwhile.
     * Fails once the whole connection's deadline ({@code whole}, null: none) passes, even mid-hold.
     */
    private static boolean hold(Socket client, Duration hold, RequestDeadline whole, SharedTable table, String who,
            Consumer<String> log) throws RequestDeadline.Exceeded {
        long start = System.nanoTime();
        long end = start + hold.toNanos();
        long nextPrint = start;
        while (true) {
            long now = System.nanoTime();
            // Not reading IS the subject here: the pause is what lets the receive queue fill up.
            LockSupport.parkNanos(Math.max(0, Math.min(CHECK_EVERY.toNanos(), end - now)));
            now = System.nanoTime();
            Map<Long, SocketRow> rows = SocketTable.available() ? table.rowsSince(start) : null;
            if (rows != null) { // null: no look at the table since this client came, yet
                SocketRow row = rows.get(SharedTable.key(client.getLocalPort(), client.getPort()));
                if (row == null) {
                    return false;
                }
                if (now >= nextPrint || now >= end) {
                    log.accept(Msg.get("SlowReaderServer.rxQueue", who, row.rxQueue()));
                    nextPrint = now + PRINT_EVERY.toNanos();
                }
            }
            if (whole != null && whole.passed()) {
                throw new RequestDeadline.Exceeded(whole);
            }
            if (now >= end) {
                return true;
            }
        }
    }
}
