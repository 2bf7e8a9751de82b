package tcpip.close;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import tcpip.cli.Cli;

/**
 * Asks {@link HalfCloseFileServer} for a file, reads it until read() returns -1 (the server's
 * FIN), then says "Thank you" over its own direction, which is still open. The bytes go to a
 * temporary file that is moved to its final name only after that clean end of stream.
 */
public final class HalfCloseFileClient {

    public static final int BUFSIZE = 128 * 1024;
    public static final String THANK_YOU = "Thank you";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How many first bytes are kept to show a server's "ERROR: ..." line when it resets. */
    private static final int HEAD_BYTES = 512;

    private HalfCloseFileClient() {
    }

    /** A finished download: where it is, how big, and its SHA-256 in hex. */
    public record Download(Path file, long bytes, String sha256) {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HalfCloseFileClient",
                "Downloads a file from HalfCloseFileServer: the server's FIN marks the end, then we say thank you.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(HalfCloseFileServer.DEFAULT_PORT);
        Cli.Option<String> file = cli.stringOption("--file", null, "name of the file under the server's --root (required)");
        Cli.Option<Path> out = cli.pathOption("--out", null, "where to save it (default: the file's name in the current directory)");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                "connect deadline, and the longest silence while receiving");
        Cli.Option<Boolean> heap = cli.flag("--report-heap", "print the peak heap used at the end");
        cli.example("HalfCloseFileClient --port 7304 --file notes.txt")
           .example("HalfCloseFileClient --port 7304 --file big.bin --out /tmp/copy.bin");
        cli.parse(args);
        if (file.get() == null || file.get().isEmpty()) {
            System.err.println("HalfCloseFileClient: --file NAME is required (try --help)");
            System.exit(Cli.EXIT_USAGE);
        }
        Path target = out.get() != null ? out.get() : Path.of(Path.of(file.get()).getFileName().toString());
        if (heap.get()) {
            HeapReport.start();
        }
        cli.run(() -> {
            download(host.get(), port.get(), file.get(), target, timeout.get(), System.out,
                    ProgressLine.forConsole());
            if (heap.get()) {
                System.out.printf("peak heap used: %,d KiB%n", HeapReport.peakHeapUsedKiB());
            }
        });
    }

    /**
     * Downloads {@code name} to {@code target}. On any failure (reset, timeout, exception) the
     * temporary file is deleted and nothing appears under {@code target}.
     */
    public static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, ProgressLine progress) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        // Same directory as the target, so the final move is a rename(2): atomic, never half a file.
        // A crash (kill -9) leaves only this hidden .part file behind, never a partial file under the final name.
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
        boolean moved = false;
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis()); // SYN, SYN+ACK, ACK
            socket.setSoTimeout((int) timeout.toMillis()); // read(): SocketTimeoutException after this much silence
            OutputStream toServer = socket.getOutputStream();
            toServer.write((name + "\n").getBytes(StandardCharsets.UTF_8)); // the request: one line
            InputStream fromServer = socket.getInputStream();
            MessageDigest sha = sha256();
            byte[] buf = new byte[BUFSIZE];
            byte[] head = new byte[HEAD_BYTES];
            int headLen = 0;
            long total = 0;
            try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                int n;
                try {
                    while ((n = fromServer.read(buf)) != -1) { // read() == -1: the server's FIN = end of file
                        sha.update(buf, 0, n);
                        for (ByteBuffer b = ByteBuffer.wrap(buf, 0, n); b.hasRemaining(); ) {
                            file.write(b);
                        }
                        if (headLen < HEAD_BYTES) {
                            int k = Math.min(n, HEAD_BYTES - headLen);
                            System.arraycopy(buf, 0, head, headLen, k);
                            headLen += k;
                        }
                        total += n;
                        progress.update(total);
                    }
                } catch (IOException e) {
                    String said = new String(head, 0, headLen, StandardCharsets.UTF_8);
                    if (said.startsWith("ERROR: ")) {
                        throw new IOException("server refused: " + said.lines().findFirst().orElse(said).substring(7), e);
                    }
                    throw new IOException(Cli.describe(e) + " after " + total + " bytes: transfer incomplete, "
                            + "nothing saved as " + target, e);
                } finally {
                    progress.finish();
                }
                file.force(true); // on disk before the rename, so the final name never points at missing data
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            String hex = HexFormat.of().formatHex(sha.digest());
            double seconds = (System.nanoTime() - start) / 1e9;
            log.printf("received %s: %,d bytes sha256=%s, saved as %s%n", name, total, hex, target);
            log.printf("took %.3f s (%.1f MiB/s, including the fsync before the rename)%n", seconds,
                    total / 1048576.0 / Math.max(seconds, 1e-9));
            // Half-close: the server's direction is finished (FIN), ours is still open.
            toServer.write((THANK_YOU + "\n").getBytes(StandardCharsets.UTF_8));
            log.println("said \"" + THANK_YOU + "\" over the direction that is still open, then close()");
            return new Download(target, total, hex);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
