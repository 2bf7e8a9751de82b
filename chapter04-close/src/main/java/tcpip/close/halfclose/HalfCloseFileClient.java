package tcpip.close.halfclose;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.ShownValue;
import tcpip.close.Msg;
import tcpip.narration.Progress;
import tcpip.net.LogSafe;

/**
 * The hardened client around {@link HalfCloseCore#receive}: the bytes go to a hidden
 * {@code .NAME.PID.RANDOM.part} file beside the target (one a killed run left is removed by the next run
 * to the same target), which becomes the target (rename) only after the header's size, the
 * SHA-256 trailer and the server's FIN all checked out. Any failure deletes the {@code .part}
 * file, exits non-zero and leaves an existing target untouched. A target that exists but is no regular file
 * (a symbolic link, a FIFO, a device such as /dev/null, a socket, a directory) is refused, before connecting and
 * again right before the rename, which would replace it. A new name is given with link(2), which never replaces:
 * whatever took the name meanwhile stays, and nothing is saved. Replacing an existing regular file keeps a short
 * window between that check and rename(2): only someone who can write to the folder can use it, and such a
 * user could delete the name anyway ({@link #publish}). Stopped by Ctrl-C or SIGTERM mid-transfer, it says on
 * stderr that the partial file was removed and the target left as it was.
 */
public final class HalfCloseFileClient {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final int NAME_ATTEMPTS = 10;
    /**
     * {@code .part} files being written now, each with the line that says what a stop leaves; a signal (Ctrl-C,
     * SIGTERM) deletes them and prints the line of each it deleted ({@link #deleteParts}).
     */
    private static final Map<Path, String> PARTS = new ConcurrentHashMap<>();

    private HalfCloseFileClient() {
    }

    /** A finished download: where it is, how big, and its SHA-256 in hex. */
    public record Download(Path file, long bytes, String sha256) {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("HalfCloseFileClient", Msg.get("HalfCloseFileClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(HalfCloseFileServer.DEFAULT_PORT);
        Cli.Option<String> file = cli.stringOption("--file", null, Msg.get("HalfCloseFileClient.opt.file"));
        Cli.Option<Path> out = cli.fileOption("--out", null, Msg.get("HalfCloseFileClient.opt.out"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT,
                Msg.get("HalfCloseFileClient.opt.timeout"));
        Cli.Option<Boolean> heap = cli.flag("--report-heap", Msg.get("HalfCloseFileClient.opt.reportHeap"));
        cli.example("HalfCloseFileClient --port 7304 --file notes.txt")
           .example("HalfCloseFileClient --port 7304 --file big.bin --out /tmp/copy.bin");
        cli.parse(args);
        if (file.get() == null || file.get().isEmpty()) {
            System.err.println(Msg.get("HalfCloseFileClient.fileRequired"));
            Cli.exit(Cli.EXIT_USAGE);
        }
        Path target = target(file.get(), out.get());
        if (heap.get()) {
            HeapReport.start();
        }
        cli.onSignal(HalfCloseFileClient::deleteParts); // stopped mid-transfer: its line, instead of Cli's
        cli.run(() -> {
            download(host.get(), port.get(), file.get(), target, timeout.get(), System.out,
                    Progress.start(Msg.get("HalfCloseFileClient.progress", file.get()), -1)); // on a terminal only
            if (heap.get()) {
                System.out.println(Msg.get("HeapReport.peak", String.format("%,d", HeapReport.peakHeapUsedKiB())));
            }
        });
    }

    /**
     * Where the file goes: {@code out}, or the last part of the name asked for, here; checked before any
     * connection, so that a name with nothing to save as (/, .., dir/), a directory or a missing directory is
     * one line and exit 2, not a stack trace or a file written somewhere else.
     */
    static Path target(String name, Path out) {
        Path target = out;
        if (target == null) {
            Path last = null;
            try {
                last = Path.of(name).getFileName();
            } catch (InvalidPathException e) {
                // no file name: refused below
            }
            String shown = last == null ? "" : last.toString();
            if (shown.isEmpty() || shown.equals(".") || shown.equals("..") || name.endsWith("/")) {
                usage(Msg.get("HalfCloseFileClient.noFileName", ShownValue.of(name)));
            }
            target = Path.of(shown);
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            usage(Msg.get("HalfCloseFileClient.noDirectory", ShownValue.of(target.toString()),
                    ShownValue.of(String.valueOf(dir))));
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) { // a link to a directory: refused below as a link
            usage(Msg.get("HalfCloseFileClient.isDirectory", ShownValue.of(target.toString())));
        }
        String special = notRegular(target);
        if (special != null) {
            usage("HalfCloseFileClient: " + special);
        }
        return target;
    }

    /**
     * Why {@code target} must not be replaced, or null when it is a regular file or absent: the rename at the end
     * replaces whatever has the name, so a symbolic link, a FIFO, a device (as root, {@code --out /dev/null} would
     * have become a regular file), a socket or a directory there would be destroyed. Read without following a link.
     */
    static String notRegular(Path target) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) { // cannot tell what it is: do not replace it
            return Msg.get("HalfCloseFileClient.outUnreadable", ShownValue.of(target.toString()), Cli.describe(e));
        }
        if (a.isRegularFile()) {
            return null;
        }
        String kind = a.isSymbolicLink() ? "link" : a.isDirectory() ? "directory" : kindOfOther(target);
        return Msg.get("HalfCloseFileClient.outNotRegular", ShownValue.of(target.toString()),
                Msg.get("HalfCloseFileClient.outKind." + kind));
    }

    /** FIFO, device or socket, from the file type bits of st_mode (Linux's "unix" view); "other" elsewhere. */
    private static String kindOfOther(Path p) {
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0010000 -> "fifo";
                case 0020000, 0060000 -> "device";
                case 0140000 -> "socket";
                default -> "other";
            };
        } catch (IOException | RuntimeException e) {
            return "other";
        }
    }

    private static void usage(String line) {
        System.err.println(line);
        Cli.exit(Cli.EXIT_USAGE);
        throw new IllegalStateException(line); // not reached outside a test that runs the main in its JVM
    }

    /** Same, drawing the progress line. */
    public static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, Progress progress) throws IOException {
        Download d;
        try {
            d = download(host, port, name, target, timeout, log, (LongConsumer) progress::update);
        } catch (IOException | RuntimeException | Error e) {
            progress.fail(); // erased, not finished: the failure's line is the only one left
            throw e;
        }
        progress.done();
        return d;
    }

    /**
     * Downloads {@code name} to {@code target}. On any failure (ERROR from the server, reset,
     * timeout, short file, wrong SHA-256) the {@code .part} file is deleted and {@code target}
     * is left as it was.
     */
    public static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, LongConsumer progress) throws IOException {
        return download(host, port, name, target, timeout, log, progress, true);
    }

    /** Same; {@code timing} false leaves out the "took … s" line (the demo prints output that must not vary). */
    static Download download(String host, int port, String name, Path target, Duration timeout,
            PrintStream log, LongConsumer progress, boolean timing) throws IOException {
        Path part = createPart(target);
        PARTS.put(part, Msg.get("HalfCloseFileClient.outStopped", "HalfCloseFileClient", ShownValue.of(target.toString())));
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
            publish(part, target);
            PARTS.remove(part); // saved: a stop from now on removes nothing
            moved = true;
            String hex = HexFormat.of().formatHex(got.sha256());
            double seconds = (System.nanoTime() - start) / 1e9;
            log.println(Msg.get("HalfCloseFileClient.received", LogSafe.text(name),
                    String.format("%,d", got.bytes()), hex, target));
            if (timing) {
                log.println(Msg.get("HalfCloseFileClient.took", String.format("%.3f", seconds),
                        String.format("%.1f", got.bytes() / 1048576.0 / Math.max(seconds, 1e-9))));
            }
            try {
                HalfCloseCore.thankYou(socket);
                log.println(Msg.get("HalfCloseFileClient.saidThankYou", FileProtocol.THANK_YOU));
            } catch (IOException e) { // the file is complete and saved; only the courtesy failed
                log.println(Msg.get("HalfCloseFileClient.serverGone", FileProtocol.THANK_YOU, Cli.describe(e)));
            }
            return new Download(target, got.bytes(), hex);
        } finally {
            deleteQuietly(part, moved);
        }
    }

    /** After a failure, the {@code .part} is deleted through the path it was created at: best effort, one try. */
    private static void deleteQuietly(Path part, boolean published) {
        try {
            if (!published) {
                Files.deleteIfExists(part); // its folder moved away: it stays there, hidden, never taken for the file
            }
        } catch (IOException | RuntimeException e) {
            // the failure's own line says nothing was saved; a leftover is never mistaken for the file
        } finally {
            PARTS.remove(part);
        }
    }

    /**
     * Gives the received file its name. A new name: link(2), which never replaces, then the {@code .part} is
     * unlinked; if something took the name meanwhile (a link, a FIFO swapped in), nothing is saved. An existing
     * regular file: checked again, then rename(2) over it; between the check and the rename someone who can write
     * to the folder could swap in something else, but such a user could delete the name anyway. Where hard links
     * are not supported (some FUSE or FAT folders), the new name too is checked, then renamed (the same window).
     */
    static void publish(Path part, Path target) throws IOException {
        String special = notRegular(target); // checked again: a link or a FIFO may have taken the name meanwhile
        if (special != null) {
            throw new NotSavedException(special);
        }
        try {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                publishNew(part, target);
            } else {
                Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (FileAlreadyExistsException e) {
            throw new NotSavedException(Msg.get("HalfCloseFileClient.appeared", ShownValue.of(target.toString())));
        } catch (NoSuchFileException e) {
            throw new NotSavedException(Msg.get("HalfCloseFileClient.partGone", ShownValue.of(target.toString()),
                    ShownValue.of(part.toString())));
        }
    }

    /**
     * {@code part} becomes {@code target}, a name nothing had: link(2), which fails with EEXIST rather than replace
     * what took the name since, then the {@code .part} is unlinked. Where this file system has no hard links
     * (EPERM, EOPNOTSUPP), a rename(2) instead (it would replace: the window documented above).
     */
    static void publishNew(Path part, Path target) throws IOException {
        try {
            Files.createLink(target, part);
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (e instanceof FileAlreadyExistsException || e instanceof NoSuchFileException
                    || !Files.exists(part, LinkOption.NOFOLLOW_LINKS)) {
                throw e;
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE); // no hard links here
            return;
        }
        Files.deleteIfExists(part);
    }

    /**
     * Nothing was saved, for a reason said in words: the target became something the rename would destroy, the
     * name was taken, or the file being received was moved away.
     */
    static final class NotSavedException extends IOException {
        private static final long serialVersionUID = 1L;

        NotSavedException(String message) {
            super(message);
        }
    }

    /** The core's receive, with its failures turned into one line that says nothing was saved. */
    private static FileProtocol.Received receive(Socket socket, String name, OutputStream file, LongConsumer progress,
            Path target) throws IOException {
        try {
            return HalfCloseCore.receive(socket, name, file, progress);
        } catch (FileProtocol.RefusedException e) {
            throw e; // the server's own reason, as it sent it
        } catch (SocketTimeoutException e) {
            throw new FileProtocol.IncompleteException(Msg.get("HalfCloseFileClient.incompleteSilence",
                    socket.getSoTimeout(), target), e);
        } catch (SocketException e) {
            throw new FileProtocol.IncompleteException(Msg.get("HalfCloseFileClient.incomplete",
                    Cli.describe(e), target), e);
        } catch (IOException e) {
            throw new FileProtocol.IncompleteException(Msg.get("HalfCloseFileClient.incomplete",
                    e.getMessage(), target), e);
        }
    }

    /**
     * A new hidden {@code .NAME.RANDOM.part} file in the target's directory (so the final move is
     * a rename(2): atomic, never half a file), created with the default mode: the umask decides.
     */
    static Path createPart(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        removeLeftovers(dir, target.getFileName().toString());
        for (int i = 0; ; i++) {
            Path part = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                Files.newByteChannel(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                PARTS.put(part, "");
                return part;
            } catch (FileAlreadyExistsException e) {
                if (i == NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Deletes the {@code .NAME.PID.RANDOM.part} files a killed run (SIGKILL: no shutdown hook) left for the
     * same target: only regular files of exactly that pattern whose process is gone. A run still going (its
     * PID alive) keeps its file, and nothing else in the directory is touched.
     */
    static void removeLeftovers(Path dir, String name) {
        Pattern leftover = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d{1,10})\\.[0-9a-z]{1,13}\\.part");
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> leftover.matcher(p.getFileName().toString()).matches())) {
            for (Path p : entries) {
                Matcher m = leftover.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover stays, named so it is never mistaken for the file itself
        }
    }

    /**
     * Deletes every {@code .part} file still being written (Ctrl-C or SIGTERM while the body runs: Cli's signal
     * hook) and returns, for each it deleted, the line that says so: a stopped transfer ends with that line instead
     * of Cli's "stopped by a signal". Null when there was none (stopped before the transfer began: Cli's line).
     */
    static String deleteParts() {
        StringJoiner said = new StringJoiner(System.lineSeparator());
        for (Map.Entry<Path, String> p : PARTS.entrySet()) {
            try {
                if (Files.deleteIfExists(p.getKey()) && !p.getValue().isEmpty()) {
                    said.add(p.getValue());
                }
            } catch (IOException ignored) {
                // best effort while the JVM stops
            }
        }
        return said.length() == 0 ? null : said.toString();
    }

    static MessageDigest sha256() {
        return FileProtocol.sha256();
    }
}
