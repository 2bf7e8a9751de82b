package tcpip.segmentation.framing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.ExchangeDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Writes either one big block or many small pieces ({@link StreamCore}), so ReadSizeServer can
 * show that the number of read() calls has nothing to do with the number of write() calls.
 */
public final class WriteBurstClient {

    /** What to send. */
    public enum Mode { BIG, SMALL }

    /** Size of the one big write. */
    public static final int BIG_WRITE = 1 << 20;
    /** Number and size of the small writes. */
    public static final int SMALL_WRITES = 10;
    public static final int SMALL_SIZE = 10;

    private WriteBurstClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("WriteBurstClient", Msg.get("WriteBurstClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.BIG,
                Msg.get("WriteBurstClient.opt.mode"));
        Cli.Option<Long> size = cli.sizeOption("--size", BIG_WRITE, 1, 1L << 30, Msg.get("WriteBurstClient.opt.size"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10), Msg.get("Writer.opt.timeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=WriteBurstClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=WriteBurstClient -Dargs=\"--port 7203 --mode small\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket(); ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get())) {
                try { // the deadline closes the socket if the server stops reading: write() then fails
                    socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                    if (mode.get() == Mode.BIG) {
                        StreamCore.writeOnce(socket, new byte[Math.toIntExact(size.get())]);
                    } else {
                        StreamCore.writeEach(socket, smallPieces());
                    }
                } catch (IOException e) {
                    throw deadline.explain(e);
                }
                System.out.println(mode.get() == Mode.BIG ? Msg.get("WriteBurstClient.wroteBig", size.get())
                        : Msg.get("WriteBurstClient.wroteSmall", SMALL_WRITES, SMALL_SIZE));
                // close(): the kernel sends FIN after the queued data; the server's read() then returns -1.
            }
            System.out.println(Msg.get("WriteBurstClient.closed"));
        });
    }

    /** {@code message-0|}, {@code message-1|} … ten pieces of ten bytes. */
    public static List<byte[]> smallPieces() {
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < SMALL_WRITES; i++) {
            pieces.add(("message-" + i + "|").substring(0, SMALL_SIZE).getBytes(StandardCharsets.US_ASCII));
        }
        return pieces;
    }
}
