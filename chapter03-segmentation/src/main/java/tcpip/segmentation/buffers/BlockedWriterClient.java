package tcpip.segmentation.buffers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.SocketTable;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Writes much more than the kernel can buffer ({@link WindowCore}) to a server that is not reading
 * (SlowReaderServer) and reports when write() blocks: how many bytes got through, and where the kernel holds them.
 */
public final class BlockedWriterClient {

    private BlockedWriterClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("BlockedWriterClient", Msg.get("BlockedWriterClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Long> total = cli.sizeOption("--total", 64L << 20, 1, 1L << 34, Msg.get("BlockedWriterClient.opt.total"));
        Cli.Option<Long> sndbuf = cli.sizeOption("--sndbuf", 0, 0, 1L << 30, Msg.get("BlockedWriterClient.opt.sndbuf"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(60),
                Msg.get("BlockedWriterClient.opt.timeout"));
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
                        StallDetector.Stall s = StallDetector.await(written::get, () -> !writer.isAlive(),
                                socket.getLocalPort(), socket.getPort(), timeout.get());
                        System.out.println(Msg.get("BlockedWriterClient.blocked", String.format("%,d", s.written()),
                                (System.nanoTime() - start) / 1_000_000));
                        System.out.println(Msg.get("BlockedWriterClient.txQueue", String.format("%,d", s.writer().txQueue())));
                        System.out.println(Msg.get("BlockedWriterClient.rxQueue", String.format("%,d", s.reader().rxQueue())));
                        System.out.println(Msg.get("BlockedWriterClient.stuck", String.format("%,d", s.stuck())));
                    } catch (TimeoutException e) {
                        System.out.println(Msg.get("BlockedWriterClient.neverBlocked", e.getMessage()));
                    }
                } else {
                    System.out.println(SocketTable.unavailableMessage());
                }
                writer.join(timeout.get().toMillis());
                if (writer.isAlive()) {
                    socket.close(); // fails the blocked write()
                    writer.join(timeout.get().toMillis());
                    throw new IOException(Msg.get("BlockedWriterClient.notFinished", timeout.get().toMillis()));
                }
                if (failed.get() != null) {
                    throw failed.get();
                }
                System.out.println(Msg.get("BlockedWriterClient.finished", String.format("%,d", written.get()),
                        (System.nanoTime() - start) / 1_000_000));
            }
        });
    }
}
