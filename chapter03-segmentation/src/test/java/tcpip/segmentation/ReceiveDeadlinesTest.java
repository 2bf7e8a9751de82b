package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.cli.Cli;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;
import tcpip.segmentation.buffers.BufferSizeServer;
import tcpip.segmentation.buffers.SlowReaderServer;
import tcpip.segmentation.framing.ReadSizeServer;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.throughput.BulkReceiver;

/**
 * The whole-connection deadline of the chapter's servers that only receive (--request-timeout; for
 * them the request is the whole connection, accept() to the client's FIN): a client that trickles a
 * byte every 100 ms satisfies every read deadline, yet is cut once the connection's deadline passes,
 * with one log line and no stack trace, and the server then serves the next client. Before, a red team
 * held every slot of ReadSizeServer (16) and BulkReceiver (64) for minutes this way, and the one-screen
 * StreamServer (one client at a time, read deadline only: plain_echo_hold.sh ... trickle) for ever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiveDeadlinesTest {

    static final Duration WHOLE = Duration.ofMillis(1500);
    /** Far longer than the test: only the whole-connection deadline may cut the trickler. */
    static final Duration READ = Duration.ofSeconds(30);
    static final Duration TRICKLE = SlowClientsTest.TRICKLE;
    static final Duration SLACK = SlowClientsTest.SLACK;
    /** What the well-behaved second client sends (no thousands separator in any log line). */
    static final int SENT = 777;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ReadSizeServer", "BulkReceiver", "SlowReaderServer", "BufferSizeServer", "MssServer",
        "StreamServer"})
    void aClientTricklingBytesIsCutAtTheWholeConnectionDeadlineAndTheNextIsServed(String server) throws Exception {
        Cli cli = new Cli(server, "test");
        int cap = server.equals("ReadSizeServer") ? ReadSizeServer.MAX_CONNECTIONS : AcceptLoop.DEFAULT_MAX_CONNECTIONS;
        ServerOptions options = new ServerOptions(cli, cap, false).withRequestTimeout(server + ".opt.requestTimeout");
        cli.parse(new String[] {"--port", "0", "--read-timeout", READ.toMillis() + "ms",
                "--request-timeout", WHOLE.toMillis() + "ms"});
        assertThat(options.requestTimeout()).isEqualTo(WHOLE);
        Queue<String> log = new ConcurrentLinkedQueue<>();
        Consumer<String> logger = log::add;
        // Each listener as the server's main makes it.
        ServerSocket listener = switch (server) {
            case "BulkReceiver" -> options.listenChannel();
            case "SlowReaderServer", "BufferSizeServer" -> options.bindAndListen(options.unboundWholeConnections());
            default -> options.listenWholeConnections();
        };
        AcceptLoop loop = switch (server) {
            case "ReadSizeServer" -> ReadSizeServer.loop(listener, options.limits(), 64 * 1024, Duration.ZERO, logger);
            case "BulkReceiver" -> BulkReceiver.loop(listener, options.limits(), options.requestTimeout(), logger);
            case "SlowReaderServer" -> SlowReaderServer.loop(listener, options.limits(), Duration.ofMillis(300), logger);
            case "BufferSizeServer" -> BufferSizeServer.loop(listener, options.limits(), 0, logger);
            case "StreamServer" -> StreamServer.loop(listener, options.limits(), logger);
            default -> MssServer.loop(listener, options.limits(), logger);
        };
        Thread accepting = Thread.ofPlatform().start(loop::run);
        try {
            String slowWho;
            try (Socket slow = new Socket()) {
                slow.connect(listener.getLocalSocketAddress(), 5_000);
                slowWho = Endpoint.text(slow.getLocalSocketAddress());
                OutputStream out = slow.getOutputStream();
                long start = System.nanoTime();
                boolean cut = false;
                for (int i = 0; i < 200 && !cut; i++) { // 20 s of trickling at most; the client never sends its FIN
                    try {
                        out.write('x');
                        Thread.sleep(TRICKLE); // the client's pace is the subject here, not a synchronisation
                        cut = SlowClientsTest.peerClosed(slow);
                    } catch (IOException e) {
                        cut = true; // our write met the server's close
                    }
                }
                Duration held = Duration.ofNanos(System.nanoTime() - start);
                assertThat(cut).as("%s closed the trickling client", server).isTrue();
                assertThat(held).as("how long the trickler held its slot").isLessThan(WHOLE.plus(SLACK));
            }
            String cutLine = tcpip.net.Msg.get("accept.client.request", slowWho, String.valueOf(WHOLE.toMillis()));
            awaitLine(log, cutLine::equals);

            // The next client, sending a little and its FIN at once, is served as before.
            try (Socket next = new Socket()) {
                next.connect(listener.getLocalSocketAddress(), 5_000);
                next.setSoTimeout(10_000);
                String nextWho = Endpoint.text(next.getLocalSocketAddress());
                next.getOutputStream().write(new byte[SENT]);
                next.shutdownOutput();
                InputStream in = next.getInputStream();
                byte[] answer = in.readAllBytes(); // until the server closes; BulkReceiver first sends the count
                if (server.equals("BulkReceiver")) {
                    assertThat(answer).hasSize(Long.BYTES);
                    assertThat(ByteBuffer.wrap(answer).getLong()).isEqualTo(SENT);
                }
                awaitLine(log, line -> line.contains(nextWho) && line.contains(String.valueOf(SENT)));
            }
            List<String> lines = List.copyOf(log);
            assertThat(lines).as("one line for the cut client").filteredOn(cutLine::equals).hasSize(1);
            assertThat(lines).as("no stack trace, no exception name")
                    .noneMatch(l -> l.contains("Exception") || l.contains("\tat "));
            assertThat(accepting.isAlive()).as("the accept loop still runs").isTrue();
        } finally {
            listener.close();
            accepting.join(Duration.ofSeconds(5));
        }
    }

    /** Bounded polling for a log line (the server logs from its connection's thread). */
    private static void awaitLine(Queue<String> log, Predicate<String> wanted) {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (log.stream().noneMatch(wanted) && System.nanoTime() < end) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertThat(log).as("the server's log").anyMatch(wanted);
    }
}
