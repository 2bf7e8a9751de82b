package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.net.AcceptLoop;

/**
 * A file rewritten in place through a shared mapping (FileChannel.map READ_WRITE, MAP_SHARED) while it is sent.
 * Such a write goes straight into the page cache: on a page the mapping has already made writable, neither mtime nor
 * ctime nor the size moves (on tmpfs no writeback ever makes the page read-only again), so the lstat checks see the
 * same file at the end. A red team got old and new bytes mixed under a valid SHA-256 trailer, and the client saved
 * them. Deterministic: the client changes the first page (already sent) and the last (not read yet: the server is
 * blocked in write() with at most its send buffer and one chunk ahead of us) the moment its first bytes arrive.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MappedRewriteTest {

    private static final byte[] MARK = "CHANGED THROUGH A SHARED MAPPING".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tempDir;
    private Path root;
    private boolean onTmpfs;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HalfCloseFileServer server;
    private int port;

    @BeforeEach
    void serveFromTmpfs() throws IOException {
        // tmpfs where there is one (as the red team did): no writeback there, so the pages stay writable and dirty.
        Path shm = Path.of("/dev/shm");
        onTmpfs = Files.isDirectory(shm) && Files.isWritable(shm);
        root = onTmpfs ? Files.createTempDirectory(shm, "mapped-rewrite-") : tempDir; // 0700, like @TempDir
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new AcceptLoop.Limits(4, Duration.ofSeconds(30)), Duration.ofSeconds(20),
                new PrintStream(log, true, StandardCharsets.UTF_8)).requestTimeout(Duration.ofSeconds(40));
        port = server.start();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        if (onTmpfs) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void aFileRewrittenThroughASharedMappingWhileItIsSentGetsNoTrailer() throws Exception {
        long size = fileSize();
        Path f = root.resolve("f");
        String oldSha = TestFiles.write(f, size);
        long tail = size - 4096;
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = c.map(FileChannel.MapMode.READ_WRITE, 0, size);
            touch(map, 0);
            touch(map, tail);
            AtomicReference<UnchangedFile.Stat[]> seen = new AtomicReference<>();
            Result r = receiveSlowly("f", () -> {
                UnchangedFile.Stat before = UnchangedFile.Stat.of(f);
                map.put(0, MARK).put((int) tail, MARK); // the first page was sent already, the last not read yet
                seen.set(new UnchangedFile.Stat[] {before, UnchangedFile.Stat.of(f)});
            });
            assertThat(seen.get()).as("the change was made during the transfer").isNotNull();
            if (onTmpfs) {
                assertThat(seen.get()[1]).as("lstat cannot see a write through the mapping (mtime, ctime, size)")
                        .isEqualTo(seen.get()[0]);
            }
            String newSha = TestFiles.sha256(f);
            assertThat(r.received()).as("a valid trailer over bytes of neither version (old %s, new %s); the server's "
                    + "log:%n%s", oldSha, newSha, log()).isNull();
            assertThat(r.thrown()).isInstanceOf(FileProtocol.IncompleteException.class);
            assertThat(pollUntil(() -> log().contains("read again"), Duration.ofSeconds(10)))
                    .as("the server's log says why:%n%s", log()).isTrue();
        }
    }

    @Test
    void aMappedFileThatDoesNotChangeIsSentWithItsTrailer() throws Exception {
        long size = fileSize();
        Path f = root.resolve("f");
        String sha = TestFiles.write(f, size);
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer map = c.map(FileChannel.MapMode.READ_WRITE, 0, size);
            touch(map, 0); // writable, dirty pages that keep their bytes: the second read finds what was sent
            Result r = receiveSlowly("f", () -> touch(map, size - 4096));
            assertThat(r.thrown()).as("the server's log:%n%s", log()).isNull();
            assertThat(HexFormat.of().formatHex(r.received().sha256())).isEqualTo(sha);
        }
    }

    /** Writes a byte back through the mapping: its page becomes writable and dirty (mtime and ctime move now). */
    private static void touch(MappedByteBuffer map, long at) {
        map.put((int) at, map.get((int) at));
    }

    /**
     * Bigger than what the server can have read ahead of a client that stopped reading after its first bytes: the
     * largest send buffer autotuning may give it (tcp_wmem's third field), our small window, and one 128 KiB chunk.
     */
    private static long fileSize() throws IOException {
        long wmemMax = 4L << 20;
        Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
        if (Files.isReadable(wmem)) {
            String[] f = Files.readString(wmem).trim().split("\\s+");
            wmemMax = Long.parseLong(f[f.length - 1]);
        }
        return Math.max(16L << 20, 2 * wmemMax + (4L << 20));
    }

    interface Change {
        void run() throws IOException;
    }

    record Result(FileProtocol.Received received, IOException thrown) {
    }

    /** Downloads {@code name} with a small receive window; runs {@code change} when the first bytes arrive. */
    private Result receiveSlowly(String name, Change change) throws IOException {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(8192); // before connect: a small window, so the server's write() waits on us
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            boolean[] changed = {false};
            try {
                return new Result(HalfCloseCore.receive(s, name, OutputStream.nullOutputStream(), got -> {
                    if (!changed[0]) {
                        changed[0] = true;
                        try {
                            change.run();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }), null);
            } catch (IOException e) {
                return new Result(null, e);
            }
        }
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static boolean pollUntil(java.util.function.BooleanSupplier ok, Duration within) {
        long end = System.nanoTime() + within.toNanos();
        for (int i = 0; i < 100_000 && System.nanoTime() < end; i++) {
            if (ok.getAsBoolean()) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // bounded polling of the log, not synchronization
        }
        return ok.getAsBoolean();
    }
}
