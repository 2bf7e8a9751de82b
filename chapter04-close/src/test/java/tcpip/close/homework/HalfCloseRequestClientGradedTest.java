package tcpip.close.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/** Grades HalfCloseRequestClient against a server that answers only after the request's FIN. */
@ExtendWith(TodoHint.class)
@Timeout(30)
class HalfCloseRequestClientGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(HalfCloseRequestClient.class);

    private static final int RESPONSE_REPEAT = 50_000;
    private ServerSocket server;
    private CompletableFuture<String> seenByServer;

    /** Reads the request until -1 (the client's FIN), then answers with it in upper case, many times over. */
    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        seenByServer = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                String request = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                s.getOutputStream().write(request.toUpperCase().repeat(RESPONSE_REPEAT).getBytes(StandardCharsets.UTF_8));
                return request;
            } catch (IOException e) {
                return "server failed: " + e;
            }
        });
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void theRequestEndsWithAFinAndTheWholeResponseIsRead() throws Exception {
        String response;
        try {
            response = Within.call(Duration.ofSeconds(6), "request", () -> HalfCloseRequestClient.request(
                    "127.0.0.1", server.getLocalPort(), "ping\n", Duration.ofSeconds(2)));
        } catch (SocketTimeoutException e) {
            fail("No response within 2 s: the server reads your request until read() returns -1, which only happens "
                    + "when your side sends FIN. Call socket.shutdownOutput() after writing the request.");
            return;
        }
        assertThat(seenByServer.get(5, TimeUnit.SECONDS)).as("what the server read before your FIN").isEqualTo("ping\n");
        assertThat(response)
                .as("the response is %d bytes and arrives in many segments: keep reading until read() returns -1 "
                        + "(the server's FIN), one read() is not enough", 5 * RESPONSE_REPEAT)
                .hasSize(5 * RESPONSE_REPEAT)
                .startsWith("PING\nPING\n");
    }

    /** A server whose accept queue is full drops the SYN: only a connect timeout ends the wait (Linux: after ~2 min). */
    @Test
    void aServerWhoseAcceptQueueIsFullEndsInATimeoutNotAHang() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tcpip.kernel.SocketTable.available(),
                tcpip.kernel.SocketTable.unavailableMessage());
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket first = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort());
                Socket second = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort())) {
            // backlog 1 holds two finished connections; the kernel drops the next SYN
            tcpip.kernel.KernelAwait.await(full.getLocalPort(), second.getLocalPort(), tcpip.kernel.TcpState.ESTABLISHED,
                    Duration.ofSeconds(5));
            long start = System.nanoTime();
            try {
                Within.call(Duration.ofSeconds(3), "request to a server whose accept queue is full",
                        () -> HalfCloseRequestClient.request("127.0.0.1", full.getLocalPort(), "ping\n",
                                Duration.ofMillis(300)));
                fail("request() returned although the server never accepted the connection");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to give up with a 300 ms timeout:"
                        + " pass it to connect(address, timeout) too").isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void aServerThatNeverAnswersEndsInATimeoutNotAHang() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch testDone = new java.util.concurrent.CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    s.setSoTimeout(5_000);
                    s.getInputStream().readAllBytes(); // reads the request, then says nothing and keeps the connection
                    testDone.await(5, TimeUnit.SECONDS); // silent, connection kept, until the test is over
                } catch (IOException | InterruptedException e) {
                    // the client gave up: that is what this test wants
                }
            });
            long start = System.nanoTime();
            try {
                Within.call(Duration.ofSeconds(2), "request to a silent server", () -> HalfCloseRequestClient.request(
                        "127.0.0.1", silent.getLocalPort(), "ping\n", Duration.ofMillis(300)));
                fail("request() returned although the server never answered and never sent FIN");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to give up with a 300 ms timeout")
                        .isLessThan(Duration.ofSeconds(2));
            }
            testDone.countDown();
            holder.join(5_000);
        }
    }
}
