package tcpip.close;

import tcpip.narration.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import tcpip.cli.Cli;
import tcpip.net.LogSafe;

/**
 * The hardened client around {@link HalfClose#receive}: the bytes go to a hidden {@code .part}
 * file beside the target, which becomes the target (rename) only after the header's size, the
 * SHA-256 trailer and the server's FIN all checked out. Any failure deletes the {@code .part}
 * file, exits non-zero and leaves an existing target untouched.
 */
public final class HalfCloseFileClient {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int NAME_ATTEMPTS = 10;
    /** {@code .part} files being written now; the shutdown hook (Ctrl-C, SIGTERM) deletes them. */
    private static final Set<Path> PARTS = ConcurrentHashMap.newKeySet();

    private HalfCloseFileClient() {
    }

    /** A finished download: where it is, how big, and its SHA-256 in hex. */
    public record Download(Path file, long bytes, String sha256) {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HalfCloseFileClient",
                "Downloads a file from HalfCloseFileServer: checks size and SHA-256, reads to the server's FIN, says thank you.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(HalfCloseFileServer.DEFAULT_PORT);
        Cli.Option<String> file = cli.stringOption("--file", null, "name of the file under the server's --root (required)");
        Cli.Option<Path> out = cli.pathOption("--out", null,
                "where to save it (default: the file's name here); replaced only by a complete, checked file");
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
        Runtime.getRuntime().addShutdownHook(new Thread(HalfCloseFileClient::deleteParts, "delete-part-files"));
        cli.run(() -> {
            download(host.get(), port.get(), file.get(), target, timeout.get(), System.out,
                    Progress.start("receiving " + file.get(), -1)); // a line on a terminal only
            if (heap.get()) {
                System.out.printf("peak heap used: %,d KiB%n", HeapReport.peakHeapUsedKiB());
            }
        });
    }

    /** Same, drawing the progress line. */
    public static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, Progress progress) throws IOException {
        try {
            return download(host, port, name, target, timeout, log, (LongConsumer) progress::update);
        } finally {
            progress.done();
        }
    }

    /**
     * Downloads {@code name} to {@code target}. On any failure (ERROR from the server, reset,
     * timeout, short file, wrong SHA-256) the {@code .part} file is deleted and {@code target}
     * is left as it was.
     */
    public static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, LongConsumer progress) throws IOException {
        Path part = createPart(target);
        boolean moved = false;
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis())); // SYN, SYN+ACK, ACK
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis())); // read(): SocketTimeoutException after this much silence
            FileProtocol.Received got;
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE);
                    OutputStream file = Channels.newOutputStream(channel)) {
                got = receive(socket, name, file, progress, target);
                channel.force(true); // on disk before the rename, so the final name never points at missing data
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            String hex = HexFormat.of().formatHex(got.sha256());
            double seconds = (System.nanoTime() - start) / 1e9;
            log.printf("received %s: %,d bytes sha256=%s (matches the server's trailer), saved as %s%n",
                    LogSafe.text(name), got.bytes(), hex, target);
            log.printf("took %.3f s (%.1f MiB/s, including the fsync before the rename)%n", seconds,
                    got.bytes() / 1048576.0 / Math.max(seconds, 1e-9));
            try {
                HalfClose.thankYou(socket);
                log.println("said \"" + FileProtocol.THANK_YOU + "\" over the direction that is still open, then close()");
            } catch (IOException e) { // the file is complete and saved; only the courtesy failed
                log.println("the server was gone before our \"" + FileProtocol.THANK_YOU + "\": " + Cli.describe(e));
            }
            return new Download(target, got.bytes(), hex);
        } finally {
            if (!moved) {
                Files.deleteIfExists(part);
            }
            PARTS.remove(part);
        }
    }

    /** The core's receive, with its failures turned into one line that says nothing was saved. */
    private static FileProtocol.Received receive(Socket socket, String name, OutputStream file, LongConsumer progress,
            Path target) throws IOException {
        String nothingSaved = ": transfer incomplete, nothing saved as " + target;
        try {
            return HalfClose.receive(socket, name, file, progress);
        } catch (FileProtocol.RefusedException e) {
            throw e; // the server's own reason, as it sent it
        } catch (SocketTimeoutException e) {
            throw new FileProtocol.IncompleteException("no data for " + socket.getSoTimeout() + " ms" + nothingSaved, e);
        } catch (SocketException e) {
            throw new FileProtocol.IncompleteException(Cli.describe(e) + nothingSaved, e);
        } catch (IOException e) {
            throw new FileProtocol.IncompleteException(e.getMessage() + nothingSaved, e);
        }
    }

    /**
     * A new hidden {@code .NAME.RANDOM.part} file in the target's directory (so the final move is
     * a rename(2): atomic, never half a file), created with the default mode: the umask decides.
     */
    static Path createPart(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        for (int i = 0; ; i++) {
            Path part = dir.resolve("." + target.getFileName() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                Files.newByteChannel(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                PARTS.add(part);
                return part;
            } catch (FileAlreadyExistsException e) {
                if (i == NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** Deletes every {@code .part} file still being written (the shutdown hook). */
    static void deleteParts() {
        for (Path p : PARTS) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort while the JVM stops
            }
        }
    }

    static java.security.MessageDigest sha256() {
        return FileProtocol.sha256();
    }
}
