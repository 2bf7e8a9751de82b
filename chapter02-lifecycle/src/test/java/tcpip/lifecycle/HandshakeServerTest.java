package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;

/** The server program: accepts, closes a silent client after its read deadline, stops when its socket closes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HandshakeServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void greetsClientsAndStopsWhenTheListeningSocketCloses() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Narrator narrator = new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
        Thread serving = Thread.ofPlatform().start(() -> {
            try {
                HandshakeServer.serve(narrator, server, Duration.ofMillis(200));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            // Say nothing: the server's read deadline (200 ms) closes the connection.
            assertThat(client.getInputStream().read()).as("the server's FIN after its read deadline").isEqualTo(-1);
        }
        server.close();
        serving.join();
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("accept() returned client #1")
                .contains("sent nothing").contains("server closed");
    }
}
