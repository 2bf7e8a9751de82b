package tcpip.close.reset;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** 소켓 연결 종료 with SO_LINGER: 0 turns close() into an RST, n > 0 makes close() wait for the ACK. */
public final class LingerCore {

    private LingerCore() {
    }

    /** Non-blocking writes until all bytes are in the kernel or it takes no more; returns how many it took. */
    public static long writeUntilFull(SocketChannel channel, long bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        // [fill]
        channel.configureBlocking(false);
        while (written < bytes) {
            buf.clear().limit((int) Math.min(buf.capacity(), bytes - written));
            int n = channel.write(buf); // write(): copies into the send buffer; 0 when it is full (peer's window full)
            if (n == 0) {
                break;
            }
            written += n;
        }
        channel.configureBlocking(true);
        // [/fill]
        return written;
    }

    /** close() with SO_LINGER {@code seconds}. */
    public static void close(SocketChannel channel, int seconds) throws IOException {
        // [linger-close]
        channel.setOption(StandardSocketOptions.SO_LINGER, seconds); // setsockopt(SO_LINGER, on, seconds)
        channel.close(); // 0: drop unsent data, send RST, no TIME_WAIT; n: block until our FIN is ACKed or n s pass
        // [/linger-close]
    }
}
