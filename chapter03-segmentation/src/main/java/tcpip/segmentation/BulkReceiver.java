package tcpip.segmentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import tcpip.cli.Cli;

/**
 * Reads everything a sender sends until its FIN, then answers with the byte count (8 bytes):
 * the receiving half of the throughput sweep. Reads into one direct buffer, so the kernel copies
 * straight from its receive queue into memory the JVM does not copy again.
 */
public final class BulkReceiver {

    /** Bytes per read() at most. */
    public static final int BUFSIZE = 1 << 20;

    private BulkReceiver() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("BulkReceiver", "Counts every byte until the sender's FIN, then sends the count back.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a sender that sends nothing for this long");
        Cli.Option<Boolean> quiet = cli.flag("--quiet", "do not print a line per connection");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BulkReceiver -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> ReadSizeServer.closeQuietly(listener)));
                System.out.println("BulkReceiver listening on " + listener.getLocalAddress()
                        + "; run BulkSender in another terminal; Ctrl-C stops");
                while (listener.isOpen()) {
                    SocketChannel channel;
                    try {
                        channel = listener.accept();
                    } catch (IOException e) {
                        if (!listener.isOpen()) {
                            break;
                        }
                        System.out.println("accept failed: " + Cli.describe(e));
                        continue;
                    }
                    Thread.ofPlatform().start(() -> {
                        try (channel) {
                            long start = System.nanoTime();
                            long n = receive(channel, timeout.get());
                            double seconds = (System.nanoTime() - start) / 1e9;
                            if (!quiet.get()) {
                                System.out.printf("%s: %,d bytes in %.2f s = %,.0f MB/s%n", channel.getRemoteAddress(),
                                        n, seconds, n / seconds / 1e6);
                            }
                        } catch (IOException e) {
                            System.out.println("sender failed: " + Cli.describe(e));
                        }
                    });
                }
            }
        });
    }

    /** Reads until the peer's FIN, then writes the count back as 8 bytes; returns the count. */
    public static long receive(SocketChannel channel, Duration readTimeout) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFSIZE);
        long total = 0;
        // A blocking SocketChannel.read() ignores SO_TIMEOUT, so the deadline comes from a selector.
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                int n = channel.read(buf); // copies what the receive queue holds, up to 1 MiB
                if (n < 0) {
                    break; // the sender's FIN
                }
                if (n == 0) {
                    if (selector.select(readTimeout.toMillis()) == 0) {
                        throw new SocketTimeoutException("no data for " + readTimeout.toMillis() + " ms");
                    }
                    selector.selectedKeys().clear();
                    continue;
                }
                total += n;
                buf.clear();
            }
        }
        channel.configureBlocking(true);
        ByteBuffer count = ByteBuffer.allocate(Long.BYTES).putLong(total).flip();
        while (count.hasRemaining()) {
            channel.write(count);
        }
        return total;
    }
}
