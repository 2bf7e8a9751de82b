package tcpip.close;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketTable;

/** Sends data, then closes with SO_LINGER set: 0 sends RST instead of FIN, n > 0 makes close() wait. */
public final class LingerServer {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_BYTES = 100_000;

    private LingerServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LingerServer", "Writes --bytes to each client, then close() with SO_LINGER --linger seconds.");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> linger = cli.intOption("--linger", 0, 0, 600,
                "SO_LINGER seconds: 0 = close() sends RST; n = close() waits up to n s for the ACK of our data and FIN");
        Cli.Option<Long> bytes = cli.sizeOption("--bytes", DEFAULT_BYTES, 0, 1L << 34,
                "bytes to send before close (stops early when the client's receive window is full)");
        Cli.Option<Integer> count = cli.intOption("--connections", 0, 0, 1_000_000, "stop after N connections (0 = until Ctrl-C)");
        cli.example("LingerServer --port 7304 --linger 0")
           .example("LingerServer --port 7304 --linger 3 --bytes 64M   (client: LingerClient --stall 10s)");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                System.out.println("listening on " + server.getLocalAddress() + ", SO_LINGER " + linger.get() + " s");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (java.io.IOException ignored) {
                        // already closed
                    }
                }));
                for (int served = 0; count.get() == 0 || served < count.get(); served++) {
                    SocketChannel client;
                    try {
                        client = server.accept();
                    } catch (java.nio.channels.ClosedChannelException stopped) {
                        return;
                    }
                    try {
                        sendAndClose(client, bytes.get(), linger.get(), Narrator.stdout());
                    } catch (Exception e) { // one bad client must not stop the server
                        System.out.println("client failed: " + Cli.describe(e));
                        client.close();
                    }
                }
            }
        });
    }

    /** Writes up to {@code bytes} without blocking, then closes with SO_LINGER {@code lingerSeconds}; returns how long close() took. */
    public static Duration sendAndClose(SocketChannel client, long bytes, int lingerSeconds, Narrator n) throws Exception {
        int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
        int remote = ((InetSocketAddress) client.getRemoteAddress()).getPort();
        long written = writeUntilFull(client, bytes);
        n.program("wrote " + written + " of " + bytes + " bytes" + (written < bytes
                ? " (write() returned 0: send buffer full, the client's receive window is full)" : ""));
        if (SocketTable.available()) {
            SocketTable.connection(local, remote).ifPresent(n::row);
        }
        client.configureBlocking(true);
        client.setOption(StandardSocketOptions.SO_LINGER, lingerSeconds);
        n.program("setOption(SO_LINGER, " + lingerSeconds + "); close()");
        long start = System.nanoTime();
        // close(): SO_LINGER 0 = drop unsent data and send RST; n > 0 = block until our FIN is ACKed or n s pass
        client.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        n.result("close() returned after " + Narrator.human(took));
        if (SocketTable.available()) {
            SocketTable.connection(local, remote).ifPresentOrElse(n::row,
                    () -> n.kernel("no row left for " + local + " -> " + remote + (lingerSeconds == 0
                            ? ": RST ends the connection at once, no TIME_WAIT" : "")));
        }
        return took;
    }

    /** Non-blocking writes until all bytes are in the kernel or it takes no more (write() returned 0). */
    static long writeUntilFull(SocketChannel ch, long bytes) throws java.io.IOException {
        ch.configureBlocking(false);
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long written = 0;
        while (written < bytes) {
            buf.clear().limit((int) Math.min(buf.capacity(), bytes - written));
            int n = ch.write(buf); // non-blocking write(): 0 when the send buffer is full
            if (n == 0) {
                break;
            }
            written += n;
        }
        return written;
    }
}
