package tcpip.segmentation.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/**
 * Grades NagleFix against the stall this kernel really shows: the test first measures the naive
 * two-write client (the control), then requires the fix to be several times faster.
 */
@ExtendWith(TodoHint.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NagleFixGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(NagleFix.class);

    static final byte[] HEADER = "LEN 0016\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] BODY = "sixteen bytes!!\n".getBytes(StandardCharsets.US_ASCII);
    static final int WARMUP = 5;
    static final int ROUNDS = 15;
    /** The fix must be at least this many times faster than the naive client. */
    static final int FACTOR = 4;

    private ServerSocket listener;
    private final CompletableFuture<byte[]> firstRequest = new CompletableFuture<>();

    /** Reads whole requests and answers each with one byte, for every connection. */
    @BeforeEach
    void startServer() throws IOException {
        listener = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                byte[] request = in.readNBytes(HEADER.length + BODY.length);
                if (request.length < HEADER.length + BODY.length) {
                    return;
                }
                firstRequest.complete(request);
                out.write('+');
            }
        } catch (IOException e) {
            // the client left
        }
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        s.setSoTimeout(5_000);
        return s;
    }

    interface Sender {
        void send(Socket s) throws Exception;
    }

    private static Duration median(Socket s, Sender sender) throws Exception {
        long[] nanos = new long[ROUNDS];
        for (int i = 0; i < WARMUP + ROUNDS; i++) {
            long start = System.nanoTime();
            sender.send(s);
            assertThat(s.getInputStream().read()).as("the server's reply").isEqualTo('+');
            if (i >= WARMUP) {
                nanos[i - WARMUP] = System.nanoTime() - start;
            }
        }
        Arrays.sort(nanos);
        return Duration.ofNanos(nanos[ROUNDS / 2]);
    }

    private Duration naive() throws Exception {
        try (Socket s = connect()) {
            return median(s, socket -> {
                socket.getOutputStream().write(HEADER);
                socket.getOutputStream().write(BODY);
            });
        }
    }

    @Test
    void theRequestArrivesIntact() throws Exception {
        try (Socket s = connect()) {
            Within.run(Duration.ofSeconds(3), "send", () -> NagleFix.send(s, HEADER, BODY));
            assertThat(new String(firstRequest.get(3, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                    .as("what the server read").isEqualTo("LEN 0016\nsixteen bytes!!\n");
        }
    }

    /** The exercise's point, so a send() that still stalls keeps under half of the points. */
    @Test
    @Weight(2)
    void theFixIsSeveralTimesFasterThanTheStall() throws Exception {
        Duration stalled = naive();
        assertThat(stalled).as("control: the naive header-then-body client's median round trip on this kernel (the"
                + " delayed-ACK timer); if this fails, the kernel shows no stall to fix").isGreaterThan(Duration.ofMillis(10));
        Duration fixed;
        try (Socket s = connect()) {
            fixed = Within.call(Duration.ofSeconds(10), "send x " + (WARMUP + ROUNDS),
                    () -> median(s, socket -> NagleFix.send(socket, HEADER, BODY)));
        }
        assertThat(fixed).as("median round trip with your send(): the naive client took %d ms (Nagle held the body"
                + " back until the delayed ACK); yours must be at least %d times faster. A bigger buffer or a flush"
                + " between header and body does not help: send one write(), or set TCP_NODELAY",
                stalled.toMillis(), FACTOR).isLessThan(stalled.dividedBy(FACTOR));
    }

    @Test
    void measuresTheMedianRoundTrip() throws Exception {
        Duration stalled = naive();
        try (Socket s = connect()) {
            Duration measured = Within.call(Duration.ofSeconds(10), "medianRoundTrip",
                    () -> NagleFix.medianRoundTrip(s, HEADER, BODY, ROUNDS));
            assertThat(measured).as("medianRoundTrip() of your fixed client, next to the naive client's %d ms",
                    stalled.toMillis()).isPositive().isLessThan(stalled.dividedBy(FACTOR));
        }
    }

    /** How long the test's slow server waits before each reply, in ms: the round trips' median is the 100 ms ones. */
    static final long[] REPLY_DELAYS = {900, 100, 0, 100, 0};

    /**
     * A round trip runs from before send() until the reply's byte is read, and the median is the middle one of the
     * sorted round trips: here about 100 ms, while their mean is about 220 ms, the time send() alone takes about 0, and
     * the middle one of the unsorted rounds 0.
     */
    @Test
    void theMedianIsTheMiddleRoundTripNotTheMeanNorTheSendTime() throws Exception {
        try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch over = new java.util.concurrent.CountDownLatch(1);
            Thread server = Thread.ofVirtual().start(() -> {
                try (Socket s = slow.accept()) {
                    s.setSoTimeout(10_000);
                    for (long delay : REPLY_DELAYS) {
                        if (s.getInputStream().readNBytes(HEADER.length + BODY.length).length < HEADER.length + BODY.length
                                || over.await(delay, TimeUnit.MILLISECONDS)) {
                            return; // the client left, or the test is over
                        }
                        s.getOutputStream().write('+');
                    }
                } catch (IOException | InterruptedException e) {
                    // the client left
                }
            });
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), slow.getLocalPort())) {
                s.setSoTimeout(5_000);
                Duration median = Within.call(Duration.ofSeconds(10), "medianRoundTrip against a slow server",
                        () -> NagleFix.medianRoundTrip(s, HEADER, BODY, REPLY_DELAYS.length));
                assertThat(median).as("medianRoundTrip() of %d rounds whose replies the server held back %s ms: time each"
                        + " round from before send() until the reply's byte is read (write() returns as soon as the bytes"
                        + " are copied), sort the times and take the middle one (the mean, about 220 ms, follows one slow"
                        + " round)", REPLY_DELAYS.length, java.util.Arrays.toString(REPLY_DELAYS))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(200));
            } finally {
                over.countDown();
                server.join(3_000);
            }
        }
    }
}
