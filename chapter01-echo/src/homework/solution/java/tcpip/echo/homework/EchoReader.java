package tcpip.echo.homework;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Exercise (reference solution): fix a client that trusts a single read().
 *
 * <p>The first version of our client sent a message and then did this:
 *
 * <pre>{@code
 * byte[] echo = new byte[length];
 * in.read(echo);          // "surely the whole echo is here"
 * return echo;
 * }</pre>
 *
 * It worked for "hello" and broke for a 1 MiB message: TCP carries a stream of bytes, not
 * messages (데이터 송수신: the sender's kernel cuts the data into segments, the receiver's kernel
 * queues what has arrived). One read() returns whatever is in the receive buffer at that moment,
 * anything from 1 byte to the buffer's size. Write {@link #readEcho} so it keeps reading until it
 * has all {@code length} bytes.
 *
 * Grade it: {@code ./homework grade chapter01-echo EchoReader}
 */
public final class EchoReader {

    private EchoReader() {
    }

    /**
     * Reads exactly {@code length} bytes from {@code in}.
     *
     * @throws EOFException if the stream ends first (read() returned -1: the peer's FIN arrived)
     */
    public static byte[] readEcho(InputStream in, int length) throws IOException {
        byte[] echo = new byte[length];
        int got = 0;
        while (got < length) {
            // read(): whatever the kernel has received so far, at most the space left
            int n = in.read(echo, got, length - got);
            if (n == -1) { // the peer's FIN arrived before the whole echo
                throw new EOFException("the peer closed after " + got + " of " + length + " bytes");
            }
            got += n;
        }
        return echo;
    }
}
