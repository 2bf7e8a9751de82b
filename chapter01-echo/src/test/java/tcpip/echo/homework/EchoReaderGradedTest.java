package tcpip.echo.homework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tcpip.testing.TodoHint;

/** Grades EchoReader: it reads until the whole echo is in, however the bytes are split, and notices the FIN. */
@ExtendWith(TodoHint.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoReaderGradedTest {

    static final int MIB = 1 << 20;

    /** A stream that hands out at most {@code step} bytes per read(), as a slow network would. */
    static final class Trickle extends InputStream {
        private final ByteArrayInputStream data;
        private final int step;

        Trickle(byte[] bytes, int step) {
            this.data = new ByteArrayInputStream(bytes);
            this.step = step;
        }

        @Override
        public int read() {
            return data.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return data.read(b, off, Math.min(len, step));
        }
    }

    @Test
    void readsAnEchoThatArrivesThreeBytesAtATime() throws IOException {
        byte[] message = "hello, kernel: this echo arrives in pieces\n".getBytes();
        byte[] echo = EchoReader.readEcho(new Trickle(message, 3), message.length);
        assertThat(echo).as("readEcho on a stream whose read() returns at most 3 bytes. One read() returns only what"
                + " has arrived so far; keep calling read(buffer, offset, remaining) until all %d bytes are in",
                message.length).isEqualTo(message);
    }

    @Test
    void readsOneMebibyteFromARealSocket() throws Exception {
        byte[] message = new byte[MIB];
        new Random(7).nextBytes(message);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            Thread sender = Thread.ofVirtual().start(() -> {
                try (Socket peer = listener.accept()) {
                    peer.getOutputStream().write(message); // one write(); the kernel delivers it in many pieces
                } catch (IOException e) {
                    // the reader side reports the problem
                }
            });
            byte[] echo = EchoReader.readEcho(client.getInputStream(), MIB);
            sender.join();
            assertThat(echo).as("1 MiB sent with one write() over loopback: the receiver needs many read() calls"
                    + " (each returns what the kernel has buffered so far)").isEqualTo(message);
        }
    }

    @Test
    void aStreamThatEndsEarlyIsAnEofException() throws IOException {
        byte[] half = new byte[5];
        try {
            byte[] echo = EchoReader.readEcho(new Trickle(half, 2), 10);
            fail("readEcho returned %d bytes although the stream ended after 5 of 10. read() == -1 means the peer's"
                    + " FIN arrived and nothing more will come: throw an EOFException", echo.length);
        } catch (EOFException expected) {
            assertThat(expected.getMessage()).as("the EOFException should say what happened").isNotBlank();
        }
    }

    @Test
    void aZeroLengthEchoNeedsNoRead() throws IOException {
        assertThat(EchoReader.readEcho(new ByteArrayInputStream(new byte[0]), 0)).isEmpty();
    }
}
