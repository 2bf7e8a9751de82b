package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.net.AcceptLoop;

/** Issue 13 items 2, 3, 4, 11: a broken transfer is never saved as complete, and the server drops non-readers. */
@Timeout(60)
class FileTransferIntegrityTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PRECIOUS = "an existing file the user cares about\n";
    private static final Pattern SERVING = Pattern.compile("serving .* on [^:]+:(\\d+) ");

    @TempDir
    Path root;
    @TempDir
    Path downloads;

    private static Process child(Class<?> main, String... args) throws IOException {
        List<String> cmd = tcpip.testing.MainRunner.java();
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    private static void signal(Process p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(5, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + sig).isTrue();
    }

    private static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size); // reads as zeros, costs no disk
        }
    }

    private List<String> parts() throws IOException {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    @Test
    void serverKilledMidTransferClientExitsNonZeroAndKeepsTheExistingFile() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        sparse(root.resolve("big.bin"), 512L << 20);
        Path target = Files.writeString(downloads.resolve("big.bin"), PRECIOUS);
        Process server = child(HalfCloseFileServer.class, "--port", "0", "--root", root.toString());
        Process client = null;
        try {
            BufferedReader out = server.inputReader(StandardCharsets.UTF_8);
            Matcher m = SERVING.matcher(String.valueOf(out.readLine()));
            assertThat(m.find()).as("the server's first line names its port").isTrue();
            int port = Integer.parseInt(m.group(1));
            client = child(HalfCloseFileClient.class, "--port", String.valueOf(port), "--file", "big.bin",
                    "--out", target.toString(), "--timeout", "10s");
            // The client connected: freeze it so the server blocks writing mid-file, then kill the server.
            KernelAwait.awaitRow(port, r -> r.state() == TcpState.ESTABLISHED && r.txQueue() > 0,
                    WAIT, "the server sending the file");
            signal(client, "STOP");
            KernelAwait.awaitRow(port, r -> r.state() == TcpState.ESTABLISHED && r.txQueue() > 0,
                    WAIT, "the server blocked mid-file");
            server.destroyForcibly(); // SIGKILL: the server's kernel still sends what is queued, then FIN
            assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
            signal(client, "CONT");
            assertThat(client.waitFor(30, TimeUnit.SECONDS)).as("client finished").isTrue();
            String err = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(client.exitValue()).as("client exit code (stderr: %s)", err).isNotZero();
            assertThat(err.strip().lines().count()).as("one line: %s", err).isEqualTo(1);
            assertThat(err).contains("incomplete").contains("nothing saved");
            assertThat(Files.readString(target)).as("the existing file under the final name is untouched").isEqualTo(PRECIOUS);
            assertThat(parts()).as("no .part file left").isEmpty();
        } finally {
            server.destroyForcibly();
            if (client != null) {
                client.destroyForcibly();
            }
        }
    }

    @Test
    void sigtermDuringATransferRemovesThePartFile() throws Exception {
        Path target = Files.writeString(downloads.resolve("slow.bin"), PRECIOUS);
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket fake = new ServerSocket()) {
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Void> stall = TestFiles.stallMidTransfer(fake, done);
            Process client = child(HalfCloseFileClient.class, "--port", String.valueOf(fake.getLocalPort()),
                    "--file", "slow.bin", "--out", target.toString(), "--timeout", "30s");
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!partHolds(1000) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
                assertThat(partHolds(1000)).as("the client wrote the first bytes to its .part file").isTrue();
                client.destroy(); // SIGTERM: the shutdown hook runs
                assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(client.exitValue()).isNotZero();
                assertThat(parts()).as("the shutdown hook deleted the .part file").isEmpty();
                assertThat(Files.readString(target)).isEqualTo(PRECIOUS);
            } finally {
                done.countDown();
                client.destroyForcibly();
                stall.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private boolean partHolds(long bytes) throws IOException {
        for (String p : parts()) {
            try {
                if (Files.size(downloads.resolve(p)) >= bytes) {
                    return true;
                }
            } catch (IOException gone) {
                // deleted meanwhile
            }
        }
        return false;
    }

    private HalfCloseFileServer server(AcceptLoop.Limits limits, Duration writeDeadline, ByteArrayOutputStream log)
            throws IOException {
        return new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits,
                writeDeadline, new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void anOversizeNameGetsTheServersErrorAndTheExistingFileStays() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path target = Files.writeString(downloads.resolve("keep.txt"), PRECIOUS);
        try (HalfCloseFileServer s = server(new AcceptLoop.Limits(4, WAIT), WAIT, log)) {
            int port = s.start();
            String name = "n".repeat(FileProtocol.MAX_NAME_BYTES + 1000) + "\u001b[31m";
            assertThatThrownBy(() -> HalfCloseFileClient.download("127.0.0.1", port, name, target, WAIT,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), bytes -> { }))
                    .isInstanceOf(FileProtocol.RefusedException.class)
                    .hasMessage("server refused: file name longer than " + FileProtocol.MAX_NAME_BYTES + " bytes");
            Files.writeString(root.resolve("ok.txt"), "ok");
            assertThat(HalfCloseFileClient.download("127.0.0.1", port, "ok.txt", downloads.resolve("ok.txt"), WAIT,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), bytes -> { }).bytes())
                    .as("the next client is served").isEqualTo(2);
        }
        assertThat(Files.readString(target)).isEqualTo(PRECIOUS);
        assertThat(parts()).isEmpty();
    }

    @Test
    void namesInTheLogAreSanitised() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (HalfCloseFileServer s = server(new AcceptLoop.Limits(4, WAIT), WAIT, log)) {
            int port = s.start();
            assertThatThrownBy(() -> HalfCloseFileClient.download("127.0.0.1", port, "x\rFORGED LINE\u001b[2J",
                    downloads.resolve("x"), WAIT, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    bytes -> { })).isInstanceOf(FileProtocol.RefusedException.class);
            s.shutdown(WAIT);
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("x\\rFORGED LINE\\x1b[2J").doesNotContain("\u001b").doesNotContain("\r");
    }

    @Test
    void aClientThatDoesNotReadIsDroppedWithinTheWriteDeadline() throws Exception {
        sparse(root.resolve("big.bin"), 256L << 20);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Duration deadline = Duration.ofMillis(300);
        try (HalfCloseFileServer s = server(new AcceptLoop.Limits(4, WAIT), deadline, log);
                Socket reader = new Socket()) {
            int port = s.start();
            reader.setReceiveBufferSize(16 * 1024);
            reader.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            reader.setSoTimeout(5_000);
            reader.getOutputStream().write(FileProtocol.request("big.bin")); // asks, then never reads
            long start = System.nanoTime();
            long limit = start + Duration.ofSeconds(5).toNanos();
            while (s.acceptLoop().failed() == 0 && System.nanoTime() < limit) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            while (s.acceptLoop().active() > 0 && System.nanoTime() < limit) { // the slot is released just after
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
            assertThat(s.acceptLoop().failed()).as("the non-reading client was dropped").isEqualTo(1);
            assertThat(took).as("dropped soon after the %s write deadline", deadline).isLessThan(Duration.ofSeconds(3));
            assertThat(s.acceptLoop().active()).as("its slot is free again").isZero();
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("write deadline");
        }
    }

    @Test
    void savedFilesGetTheModeTheUmaskGivesNotAForced0600() throws Exception {
        Files.writeString(root.resolve("m.txt"), "mode");
        Path probe = Files.createFile(downloads.resolve("probe")); // created like any file: 0666 minus the umask
        try (HalfCloseFileServer s = server(new AcceptLoop.Limits(4, WAIT), WAIT, new ByteArrayOutputStream())) {
            int port = s.start();
            Path target = downloads.resolve("m.txt");
            HalfCloseFileClient.download("127.0.0.1", port, "m.txt", target, WAIT,
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), bytes -> { });
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
                    .isEqualTo(PosixFilePermissions.toString(Files.getPosixFilePermissions(probe)));
        }
    }

    static long read(InputStream in) throws IOException {
        return in.transferTo(java.io.OutputStream.nullOutputStream());
    }
}
