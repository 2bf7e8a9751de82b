package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.echo.blocking.EchoClient;

/**
 * A write() that takes only part of the buffer must not leave the rest behind: with small send
 * and receive buffers on both ends (setsockopt, no sysctl), 300,000 bytes in 20,000-byte round
 * trips all come back. The NIO server's old loop (one write(), compact(), read() again) failed
 * this in 3 of 5 runs: it waited in read() with unsent bytes until the read deadline closed it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PartialWriteTest {

    static final int SMALL_BUFFER = 4096;
    static final int TOTAL = 300_000;
    static final int ROUND = 20_000;
    /** Short, so a stalled echo ends the connection quickly instead of making the test wait. */
    static final Duration SERVER_READ_DEADLINE = Duration.ofSeconds(2);

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"VIRTUAL", "NIO", "SELECTOR"})
    void everyByteComesBackThroughSmallBuffers(AnyServer.Kind kind) throws Exception {
        byte[] message = new byte[TOTAL];
        new Random(TOTAL).nextBytes(message);
        EchoLimits limits = EchoLimits.defaults().withReadDeadline(SERVER_READ_DEADLINE).withSendBuffer(SMALL_BUFFER);
        long echoed = 0;
        try (AnyServer server = AnyServer.start(kind, limits); Socket client = new Socket()) {
            client.setReceiveBufferSize(SMALL_BUFFER); // before connect(): the window the SYN announces
            client.setSendBufferSize(SMALL_BUFFER);
            client.connect(server.address());
            client.setSoTimeout(10_000);
            for (int off = 0; off < TOTAL; off += ROUND) {
                byte[] part = Arrays.copyOfRange(message, off, off + ROUND);
                assertThat(EchoClient.roundTrip(client, part)).as("echo of bytes %d..%d", off, off + ROUND)
                        .isEqualTo(part);
                echoed += ROUND;
            }
        }
        assertThat(echoed).isEqualTo(TOTAL);
    }
}
