package tcpip.segmentation.buffers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.kernel.SocketTable;

/**
 * Writes much more than the kernel can buffer ({@link WindowCore}) to a server that is not reading
 * (SlowReaderServer) and reports when write() blocks: how many bytes got through, and where the kernel holds them.
 */
public final class BlockedWriterClient {

    private BlockedWriterClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("BlockedWriterClient", "Writes until flow control blocks write(), then reports the kernel's queues.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(tcpip.segmentation.ServerOptions.DEFAULT_PORT);
        Cli.Option<Long> total = cli.sizeOption("--total", 64L << 20, 1, 1L << 34, "bytes to write in all");
        Cli.Option<Long> sndbuf = cli.sizeOption("--sndbuf", 0, 0, 1L << 30, "SO_SNDBUF to ask for (0 = default)");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(60),
                "give up if the writer neither blocks nor finishes in this time");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BlockedWriterClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BlockedWriterClient -Dargs=\"--port 7203 --sndbuf 16K\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                if (sndbuf.get() > 0) {
                    socket.setSendBufferSize((int) (long) sndbuf.get());
                }
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                AtomicLong written = new AtomicLong();
                AtomicReference<IOException> failed = new AtomicReference<>();
                long start = System.nanoTime();
                Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                    try {
                        WindowCore.writeAll(socket, total.get(), written);
                    } catch (IOException e) {
                        failed.set(e);
                    }
                });
                if (SocketTable.available()) {
                    try {
                        StallDetector.Stall s = StallDetector.await(written::get, socket.getLocalPort(),
                                socket.getPort(), timeout.get());
                        System.out.printf("write() BLOCKED after %,d bytes (%d ms): the server is not reading%n",
                                s.written(), (System.nanoTime() - start) / 1_000_000);
                        System.out.printf("  kernel: our tx_queue=%,d (sent, not yet acknowledged or not yet sent)%n",
                                s.writer().txQueue());
                        System.out.printf("  kernel: server rx_queue=%,d (arrived, not yet read)%n", s.reader().rxQueue());
                        System.out.printf("  stuck in the two kernels: tx_queue + rx_queue = %,d bytes%n", s.stuck());
                    } catch (TimeoutException e) {
                        System.out.println("the writer never blocked: " + e.getMessage());
                    }
                } else {
                    System.out.println(SocketTable.unavailableMessage());
                }
                writer.join(timeout.get().toMillis());
                if (writer.isAlive()) {
                    socket.close(); // fails the blocked write()
                    writer.join(timeout.get().toMillis());
                    throw new IOException("the writer did not finish within " + timeout.get().toMillis()
                            + " ms: the server stopped reading");
                }
                if (failed.get() != null) {
                    throw failed.get();
                }
                System.out.printf("resumed and finished: %,d bytes written in %d ms%n", written.get(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        });
    }
}
