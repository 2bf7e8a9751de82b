package tcpip.segmentation.throughput;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import tcpip.net.RequestDeadline;

/** 데이터 송수신 at full speed: the calls of BulkSender (three ways to hand bytes over) and BulkReceiver. */
public final class ThroughputCore {

    private ThroughputCore() {
    }

    // [stream]
    /** write(byte[]) until {@code end}: one system call and one copy per call, whatever the size. */
    public static void sendStream(SocketChannel channel, int writeSize, long end) throws IOException {
        OutputStream out = channel.socket().getOutputStream();
        byte[] data = new byte[writeSize];
        do {
            out.write(data); // JDK: heap array -> native memory; write(2): -> the send buffer
        } while (System.nanoTime() < end);
    }
    // [/stream]

    // [channel]
    /** SocketChannel.write(direct buffer): no copy through the heap. */
    public static void sendChannel(SocketChannel channel, int writeSize, long end) throws IOException {
        ByteBuffer data = ByteBuffer.allocateDirect(writeSize);
        do {
            data.clear();
            while (data.hasRemaining()) {
                channel.write(data); // write(2) straight from native memory
            }
        } while (System.nanoTime() < end);
    }
    // [/channel]

    // [transfer-to]
    /** FileChannel.transferTo: sendfile(2), the file's page-cache pages go to the socket without a user copy. */
    public static void sendFile(SocketChannel channel, FileChannel file, int writeSize, long end) throws IOException {
        long position = 0;
        do {
            position += file.transferTo(position, Math.min(writeSize, file.size() - position), channel);
            position %= file.size(); // start again at the end of the file
        } while (System.nanoTime() < end);
    }
    // [/transfer-to]

    // [receive]
    /** Reads until the sender's FIN, at most {@code whole} (a trickle meets no read deadline) after accept(); writes the count (8 bytes). */
    public static long receive(SocketChannel channel, ByteBuffer buf, Duration readDeadline, RequestDeadline whole) throws IOException {
        long total = 0;
        channel.configureBlocking(false); // a blocking channel read() ignores SO_TIMEOUT: a selector keeps the deadline
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            for (int n; (n = channel.read(buf.clear())) >= 0; total += n) { // what the receive queue holds; -1: FIN
                if (whole.passed() || n == 0 && selector.select(whole.readTimeoutMillis((int) readDeadline.toMillis())) == 0) {
                    throw whole.passed() ? new RequestDeadline.Exceeded(whole)
                            : new SocketTimeoutException("no data for " + readDeadline.toMillis() + " ms");
                }
                selector.selectedKeys().clear();
            }
        }
        channel.configureBlocking(true);
        ByteBuffer count = ByteBuffer.allocate(Long.BYTES).putLong(total).flip();
        while (count.hasRemaining()) {
            channel.write(count);
        }
        return total;
    }
    // [/receive]
}
