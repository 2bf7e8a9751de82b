package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.testing.MainRunner;

/**
 * Red-team finding: {@code --out} naming a FIFO, a device or a symbolic link exited 0 and left a regular file in
 * its place (the rename replaces whatever has the name; as root {@code --out /dev/null} would have replaced the
 * system's /dev/null). Now such a target is refused with one line and left as it is, before connecting and again
 * right before the rename; a regular file is still replaced by a complete download.
 */
@Timeout(60)
class SpecialOutFileTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration RUN = Duration.ofSeconds(30);
    private static final String PRECIOUS = "an existing file the user cares about\n";
    private static final String SERVED = "the file on the server\n";

    @TempDir
    Path root;
    @TempDir
    Path downloads;

    private HalfCloseFileServer server() throws IOException {
        Files.writeString(root.resolve("notes.txt"), SERVED);
        return new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), WAIT,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static MainRunner.Result client(int port, Path out) {
        return MainRunner.run(RUN, HalfCloseFileClient.class, "--port", String.valueOf(port), "--file", "notes.txt",
                "--out", out.toString(), "--timeout", "10s");
    }

    private static void mkfifo(Path p) throws Exception {
        Process mk;
        try {
            mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            return;
        }
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).as("mkfifo finished").isTrue();
        assumeTrue(mk.exitValue() == 0, "mkfifo failed: " + new String(mk.getInputStream().readAllBytes()));
    }

    private static boolean isFifoLike(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isOther();
    }

    private List<String> parts() throws IOException {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    private static void assertOneLineRefusal(MainRunner.Result r, String... words) {
        assertThat(r.exitCode()).as("exit code (stdout: %s, stderr: %s)", r.stdout(), r.stderr()).isNotZero()
                .isNotEqualTo(-1);
        assertThat(r.stderr().strip().lines().count()).as("one line on stderr:%n%s", r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ").contains(words);
    }

    @Test
    void aFifoIsRefusedAndLeftAsItIs() throws Exception {
        Path pipe = downloads.resolve("pipe");
        mkfifo(pipe);
        try (HalfCloseFileServer s = server()) {
            MainRunner.Result r = client(s.start(), pipe);
            assertOneLineRefusal(r, "FIFO", "not a regular file");
        }
        assertThat(isFifoLike(pipe)).as("the FIFO is still a FIFO").isTrue();
        assertThat(parts()).as("no .part file left").isEmpty();
    }

    @Test
    void aSymbolicLinkIsRefusedAndNeitherItNorWhatItPointsAtChanges() throws Exception {
        Path precious = Files.writeString(Files.createDirectory(downloads.resolve("elsewhere")).resolve("keep.txt"),
                PRECIOUS);
        Path link = downloads.resolve("link");
        try {
            Files.createSymbolicLink(link, precious);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "no symbolic links here: " + e.getMessage());
        }
        try (HalfCloseFileServer s = server()) {
            MainRunner.Result r = client(s.start(), link);
            assertOneLineRefusal(r, "symbolic link", "not a regular file");
        }
        assertThat(Files.isSymbolicLink(link)).as("the link is still a link").isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(precious);
        assertThat(Files.readString(precious)).as("the file it points at").isEqualTo(PRECIOUS);
        assertThat(parts()).as("no .part file left").isEmpty();
    }

    @Test
    void aDirectoryIsRefusedAndLeftAsItIs() throws Exception {
        Path dir = Files.createDirectory(downloads.resolve("dir"));
        Path inside = Files.writeString(dir.resolve("keep.txt"), PRECIOUS);
        try (HalfCloseFileServer s = server()) {
            MainRunner.Result r = client(s.start(), dir);
            assertOneLineRefusal(r, "directory");
        }
        assertThat(dir).isDirectory();
        assertThat(Files.readString(inside)).isEqualTo(PRECIOUS);
        assertThat(parts()).as("no .part file left").isEmpty();
    }

    @Test
    void aRegularFileIsStillReplacedByTheCompleteDownload() throws Exception {
        Path target = Files.writeString(downloads.resolve("notes.txt"), PRECIOUS);
        try (HalfCloseFileServer s = server()) {
            MainRunner.Result r = client(s.start(), target);
            assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isZero();
            assertThat(r.stderr()).isEmpty();
        }
        assertThat(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(target)).isEqualTo(SERVED);
        assertThat(parts()).as("no .part file left").isEmpty();
    }

    /** The name was free when the download started; a FIFO took it while the bytes came: the rename must not replace it. */
    @Test
    void aFifoThatTakesTheNameDuringTheTransferIsNotReplaced() throws Exception {
        Path target = downloads.resolve("notes.txt");
        AtomicBoolean made = new AtomicBoolean();
        try (HalfCloseFileServer s = server()) {
            int port = s.start();
            assertThatThrownBy(() -> HalfCloseFileClient.download("127.0.0.1", port, "notes.txt", target, WAIT,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), bytes -> {
                        if (made.compareAndSet(false, true)) {
                            try {
                                mkfifo(target); // in the downloading thread, between the first bytes and the rename
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }))
                    .isInstanceOf(IOException.class).hasMessageContaining("FIFO").hasMessageContaining("not a regular file");
        }
        assertThat(made).as("the FIFO was made during the transfer").isTrue();
        assertThat(isFifoLike(target)).as("the FIFO is still a FIFO").isTrue();
        assertThat(parts()).as("no .part file left").isEmpty();
    }
}
