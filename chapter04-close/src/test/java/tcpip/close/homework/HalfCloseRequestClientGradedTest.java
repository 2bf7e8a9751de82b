package tcpip.close.homework;

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
import tcpip.testing.TodoHint;

/** Grades HalfCloseRequestClient against a server that answers only after the request's FIN. */
@ExtendWith(TodoHint.class)
@Timeout(30)
class HalfCloseRequestClientGradedTest {

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
            response = HalfCloseRequestClient.request("127.0.0.1", server.getLocalPort(), "ping\n", Duration.ofSeconds(2));
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
}
