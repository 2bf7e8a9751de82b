package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tcpip.cli.Cli;
import tcpip.net.AcceptLoop;
import tcpip.net.RequestDeadline;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.framing.LineServer;
import tcpip.segmentation.nagle.RequestResponseServer;

/**
 * The whole-request deadline of the chapter's request servers (--request-timeout, beside the per-read
 * --read-timeout): a client that trickles a request one byte at a time (every read gets a byte, so the
 * read deadline never fires) is cut once the request's deadline passes. A length-prefixed frame is cut
 * even when the trickled bytes are newlines (a deadline that took '\n' as a request's end never was),
 * and so is a request of RequestResponseServer. Before --request-timeout, each held its slot for good.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientsTest {

    static final Duration REQUEST = Duration.ofMillis(800);
    static final Duration TRICKLE = Duration.ofMillis(100);
    /** A scheduler on two busy cores: how late a deadline may act. */
    static final Duration SLACK = Duration.ofSeconds(3);

    @ParameterizedTest(name = "{0}, trickling {1}")
    @CsvSource({"LineServer, x", "LengthPrefixServer, \\n", "RequestResponseServer, x"})
    void aClientTricklingARequestIsCutAtTheRequestDeadline(String server, String trickled) throws Exception {
        Cli cli = new Cli(server, "test");
        String key = server + ".opt.requestTimeout"; // the server's own help sentence
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, true).withRequestTimeout(key);
        cli.parse(new String[] {"--port", "0", "--request-timeout", REQUEST.toMillis() + "ms"});
        assertThat(options.requestTimeout()).isEqualTo(REQUEST);
        ServerSocket listener = options.listen(server.equals("LineServer")
                ? limit -> RequestDeadline.lines(limit, 1024) : RequestDeadline::turns);
        AcceptLoop loop = switch (server) {
            case "LineServer" -> LineServer.loop(listener, options.limits(), 1023, line -> { });
            case "LengthPrefixServer" -> LengthPrefixServer.loop(listener, options.limits(), 1 << 20, line -> { });
            default -> RequestResponseServer.loop(listener, options.limits(), line -> { });
        };
        Thread accepting = Thread.ofPlatform().start(loop::run);
        try (Socket slow = new Socket()) {
            slow.connect(listener.getLocalSocketAddress(), 5_000);
            OutputStream out = slow.getOutputStream();
            if (server.equals("LengthPrefixServer")) {
                out.write(new byte[] {0, 0, 0, 100}); // a frame of 100 bytes, then its payload a byte at a time
            }
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 200 && !cut; i++) { // 20 s of trickling at most; a request is never complete
                try {
                    out.write(trickled.equals("\\n") ? '\n' : trickled.charAt(0));
                    Thread.sleep(TRICKLE); // the client's pace is the subject here, not a synchronisation
                    cut = peerClosed(slow);
                } catch (IOException e) {
                    cut = true; // our write met the server's close
                }
            }
            Duration held = Duration.ofNanos(System.nanoTime() - start);
            assertThat(cut).as("%s closed the trickling client", server).isTrue();
            assertThat(held).as("how long the trickler held its slot").isLessThan(REQUEST.plus(SLACK));
        } finally {
            listener.close();
            accepting.join(Duration.ofSeconds(5));
        }
    }

    /** True once the server closed: a read with nothing pending returns -1 (FIN) or fails (RST). */
    static boolean peerClosed(Socket s) throws IOException {
        s.setSoTimeout(1);
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b == -1) {
                    return true;
                } // an answer or an ERROR line: read on
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
