package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.echo.blocking.EchoClient;

/**
 * The whole-request deadline: a client that trickles a line a byte at a time (each read gets a
 * byte, so the read deadline never fires) is cut once the request's deadline passes; so is one that
 * reads its echo a byte at a time. Before --request-timeout, both held their slot for as long as they liked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientsTest {

    /** The request deadline under test: a few trickled bytes' worth, far below the read deadline. */
    static final Duration REQUEST = Duration.ofMillis(400);
    static final Duration TRICKLE = Duration.ofMillis(50);
    /** A scheduler on two busy cores: how late a deadline may act. */
    static final Duration SLACK = Duration.ofSeconds(3);

    @ParameterizedTest(name = "{0}")
    @EnumSource(AnyServer.Kind.class)
    void aClientTricklingALineIsCutAtTheRequestDeadline(AnyServer.Kind kind) throws Exception {
        EchoLimits limits = EchoLimits.defaults().withRequestDeadline(REQUEST);
        try (AnyServer server = AnyServer.start(kind, limits); Socket slow = new Socket()) {
            slow.connect(server.address(), 5_000);
            slow.setSoTimeout((int) SLACK.toMillis());
            OutputStream out = slow.getOutputStream();
            long start = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 200 && !cut; i++) { // 10 s of trickling at most, never a newline
                try {
                    out.write('x');
                    Thread.sleep(TRICKLE); // the client's pace is the subject here, not a synchronisation
                    cut = slow.getInputStream().available() == 0 && peerClosed(slow);
                } catch (java.io.IOException e) {
                    cut = true; // our write met the server's close
                }
            }
            Duration held = Duration.ofNanos(System.nanoTime() - start);
            assertThat(cut).as("the server closed the trickling client").isTrue();
            assertThat(held).as("how long the trickler held its slot").isLessThan(REQUEST.plus(SLACK));
            try (Socket next = EchoClient.connect(server.address(), Duration.ofSeconds(10))) {
                byte[] hello = "next\n".getBytes(StandardCharsets.UTF_8);
                assertThat(EchoClient.roundTrip(next, hello)).isEqualTo(hello);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"VIRTUAL", "NIO", "SELECTOR"})
    void aClientReadingItsEchoSlowlyIsCutAtTheRequestDeadline(AnyServer.Kind kind) throws Exception {
        EchoLimits limits = EchoLimits.defaults().withRequestDeadline(REQUEST).withSendBuffer(4096);
        try (AnyServer server = AnyServer.start(kind, limits); Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096); // before connect: a small window, so the echo backs up at once
            slow.connect(server.address(), 5_000);
            slow.setSoTimeout((int) SLACK.toMillis());
            byte[] line = new byte[256 * 1024];
            java.util.Arrays.fill(line, (byte) 'y');
            line[line.length - 1] = '\n';
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    slow.getOutputStream().write(line);
                } catch (java.io.IOException e) {
                    // cut by the server: what this test expects
                }
            });
            InputStream in = slow.getInputStream();
            long start = System.nanoTime();
            long read = 0;
            try {
                for (int b; read < line.length && (b = in.read()) != -1; read++) {
                    if (read % 256 == 0) {
                        // About 5 KiB a second: every write makes progress, but one buffer's worth (8 KiB,
                        // a request when no newline comes) takes longer than the request deadline.
                        Thread.sleep(50);
                    }
                }
            } catch (java.io.IOException e) {
                // reset by the server's close
            }
            writer.join(SLACK.toMillis());
            assertThat(read).as("echo bytes read before the cut").isLessThan(line.length);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("how long the slow reader held its slot")
                    .isLessThan(REQUEST.plus(SLACK).plus(SLACK));
        }
    }

    /** True once the server closed: a read of a socket with nothing pending returns -1 (FIN) or fails (RST). */
    private static boolean peerClosed(Socket s) throws java.io.IOException {
        s.setSoTimeout(1);
        try {
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.io.IOException e) {
            return true;
        } finally {
            s.setSoTimeout((int) SLACK.toMillis());
        }
    }
}
