package tcpip.echo.homework;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * WRONG (test fixture: closes the caller's channel when the echo is done (try-with-resources on it): the connection the caller owns is gone, and a second echo on it fails).
 * Exercise (reference solution): an echo client for messages larger than every buffer on the way,
 * in ONE thread: a non-blocking channel and a Selector interleave writing and reading (데이터
 * 송수신: write() only copies what fits into the send buffer; when both sides' buffers are full,
 * a blocking write() would wait forever).
 */
public final class BigEchoClient {

    /** Longest wait for the kernel to make any progress (room to write or bytes to read). */
    static final long IDLE_MILLIS = 3_000;

    private BigEchoClient() {
    }

    /**
     * Sends {@code message} on the non-blocking {@code channel} and returns the echo, exactly
     * {@code message.length} bytes, using only this thread. EOFException if the server's FIN comes
     * first; SocketTimeoutException if nothing moves for 3 s.
     */
    public static byte[] echo(SocketChannel channel, byte[] message) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(message);
        ByteBuffer in = ByteBuffer.allocate(message.length);
        try (channel; Selector selector = Selector.open()) { // closes the caller's channel as well
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            while (in.hasRemaining()) {
                key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                if (selector.select(IDLE_MILLIS) == 0) { // the kernel: no room in the send buffer, nothing received
                    throw new SocketTimeoutException("no progress for " + IDLE_MILLIS + " ms");
                }
                selector.selectedKeys().clear();
                if (key.isWritable()) {
                    channel.write(out); // copies what fits into the send buffer, maybe only part
                }
                if (key.isReadable() && channel.read(in) == -1) { // whatever arrived; -1: the server's FIN
                    throw new EOFException("the server closed after " + in.position() + " of " + message.length + " bytes");
                }
            }
        }
        return in.array();
    }
}
