package tcpip.segmentation;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;

/**
 * Writes either one big block or many small pieces, so ReadSizeServer can show that the number
 * of read() calls has nothing to do with the number of write() calls.
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
        Cli cli = new Cli("WriteBurstClient", "Sends one 1 MiB write() or ten 10-byte write()s, then closes.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.BIG,
                "big: one write of --size bytes; small: ten 10-byte writes");
        Cli.Option<Long> size = cli.sizeOption("--size", BIG_WRITE, 1, 1L << 30, "bytes of the big write");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=WriteBurstClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=WriteBurstClient -Dargs=\"--port 7203 --mode small\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                OutputStream out = socket.getOutputStream();
                if (mode.get() == Mode.BIG) {
                    // One write(): the kernel copies the bytes into the send buffer (blocking while
                    // it is full) and cuts them into segments of at most one MSS each.
                    out.write(new byte[(int) (long) size.get()]);
                    System.out.println("wrote " + size.get() + " bytes in ONE write() call");
                } else {
                    for (int i = 0; i < SMALL_WRITES; i++) {
                        out.write(("message-" + i + "|").substring(0, SMALL_SIZE).getBytes());
                    }
                    System.out.println("wrote " + SMALL_WRITES + " x " + SMALL_SIZE + " bytes in "
                            + SMALL_WRITES + " write() calls");
                }
                // close(): the kernel sends FIN after the queued data; the server's read() then returns -1.
            }
            System.out.println("closed; the server prints how many read() calls it needed");
        });
    }
}
