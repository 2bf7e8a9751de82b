package tcpip.lifecycle.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;

/** What a peer sends is shown escaped: it cannot forge a line or colour the terminal. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SanitisedOutputTest {

    private static final String FORGED = "bye\n  result  | forged line\u001b[31m red";

    @Test
    void aServersReplyIsPrintedOnOneEscapedLine() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(FORGED.getBytes(StandardCharsets.UTF_8));
                } catch (Exception ignored) {
                    // the test's assertions say what went wrong
                }
            });
            BufferOptionsClient.run(new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)), "127.0.0.1",
                    server.getLocalPort(), 4096, BufferOptionsClient.When.BEFORE_CONNECT);
            peer.join(5_000);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("server says: bye\\n  result  | forged line\\x1b[31m red")
                .doesNotContain("\u001b").doesNotContain("\n  result  | forged line");
    }
}
