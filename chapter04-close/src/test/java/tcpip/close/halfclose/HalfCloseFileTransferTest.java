package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.kernel.Background;

/** Half-close file transfer: integrity by SHA-256, the Thank you, no partial files, raw bytes for nc. */
@Timeout(60)
class HalfCloseFileTransferTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String HOST = "127.0.0.1";

    @TempDir
    Path root;
    @TempDir
    Path downloads;

    private final ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
    private final ByteArrayOutputStream clientLog = new ByteArrayOutputStream();
    private HalfCloseFileServer server;
    private int port;

    @BeforeEach
    void startServer() throws IOException {
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TIMEOUT,
                new PrintStream(serverLog, true, StandardCharsets.UTF_8));
        port = server.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private HalfCloseFileClient.Download download(String name, Path target) throws IOException {
        return HalfCloseFileClient.download(HOST, port, name, target, TIMEOUT,
                new PrintStream(clientLog, true, StandardCharsets.UTF_8), tcpip.narration.Progress.start("test", -1));
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(longs = {0, 1, 1L << 20, 16L << 20})
    void theWholeFileArrivesAndBothSidesAgreeOnItsSha256(long size) throws Exception {
        String expected = TestFiles.write(root.resolve("data.bin"), size);
        Path target = downloads.resolve("copy.bin");

        HalfCloseFileClient.Download d = download("data.bin", target);

        assertThat(d.bytes()).isEqualTo(size);
        assertThat(d.sha256()).isEqualTo(expected);
        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(TestFiles.sha256(target)).isEqualTo(expected);
        server.shutdown(TIMEOUT); // lets the server's thread finish printing
        assertThat(serverLog.toString(StandardCharsets.UTF_8))
                .as("the server prints size and SHA-256 of what it sent")
                .contains(String.format("%,d bytes sha256=%s", size, expected))
                .as("the client's reply travels over the direction that stayed open after the server's FIN")
                .contains("says: Thank you");
        assertThat(clientLog.toString(StandardCharsets.UTF_8)).contains("sha256=" + expected);
        assertThat(listing(downloads)).as("no temporary file left behind").containsExactly("copy.bin");
    }

    @Test
    void theReplyIsAHeaderTheBytesAndATrailerThenFinSoAnyClientCanCheckIt() throws Exception {
        Files.writeString(root.resolve("hello.txt"), "hello\n");
        try (Socket nc = new Socket(HOST, port)) {
            nc.setSoTimeout(5_000);
            nc.getOutputStream().write("hello.txt\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = nc.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .as("size header, the file's bytes, SHA-256 trailer, then -1 (the server's FIN)")
                    .isEqualTo("OK 6\nhello\nSHA-256 " + sha256Hex("hello\n") + "\n");
            nc.getOutputStream().write("Thank you\n".getBytes(StandardCharsets.UTF_8)); // still allowed: half-close
        }
        server.shutdown(TIMEOUT);
        assertThat(serverLog.toString(StandardCharsets.UTF_8)).contains("says: Thank you");
    }

    @Test
    void aResetInTheMiddleLeavesNoFileUnderTheFinalName() throws Exception {
        try (ServerSocket fake = new ServerSocket()) {
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Void> half = CompletableFuture.runAsync(() -> {
                try (Socket s = fake.accept()) {
                    FileProtocol.readName(s.getInputStream(), new byte[FileProtocol.MAX_NAME_BYTES]);
                    s.getOutputStream().write(FileProtocol.okHeader(200_000));
                    s.getOutputStream().write(new byte[100_000]); // half of a file...
                    s.setSoLinger(true, 0); // ...then RST: the "server crashed" in the middle
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Background.OWN_THREAD);
            Path target = downloads.resolve("partial.bin");
            assertThatThrownBy(() -> HalfCloseFileClient.download(HOST, fake.getLocalPort(), "x", target, TIMEOUT,
                    new PrintStream(clientLog, true, StandardCharsets.UTF_8), tcpip.narration.Progress.start("test", -1)))
                    .isInstanceOf(IOException.class).hasMessageContaining("Connection reset")
                    .hasMessageContaining("incomplete");
            half.get(5, TimeUnit.SECONDS);
            assertThat(target).doesNotExist();
            assertThat(listing(downloads)).as("the temporary file is deleted too").isEmpty();
        }
    }

    @Test
    void aSilentServerTimesOutAndLeavesNoFile() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket fake = new ServerSocket()) {
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Void> stall = CompletableFuture.runAsync(() -> {
                try (Socket s = fake.accept()) {
                    s.getOutputStream().write(FileProtocol.okHeader(100));
                    s.getOutputStream().write(new byte[10]); // ten bytes, then silence
                    done.await(10, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, Background.OWN_THREAD);
            Path target = downloads.resolve("stalled.bin");
            assertThatThrownBy(() -> HalfCloseFileClient.download(HOST, fake.getLocalPort(), "x", target,
                    Duration.ofMillis(300), new PrintStream(clientLog, true, StandardCharsets.UTF_8),
                    tcpip.narration.Progress.start("test", -1)))
                    .isInstanceOf(IOException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
            done.countDown();
            stall.get(5, TimeUnit.SECONDS);
            assertThat(target).doesNotExist();
            assertThat(listing(downloads)).isEmpty();
        }
    }

    @Test
    void refusedNamesEndWithAnErrorLineAndRstAndNoFile() throws Exception {
        Files.writeString(root.getParent().resolve("secret-" + root.getFileName()), "secret");
        Path target = downloads.resolve("stolen");
        assertThatThrownBy(() -> download("../secret-" + root.getFileName(), target))
                .isInstanceOf(IOException.class).hasMessageContaining("server refused").hasMessageContaining("'..'");
        assertThat(target).doesNotExist();
        assertThat(listing(downloads)).isEmpty();
        Files.writeString(root.resolve("ok.txt"), "ok");
        assertThat(download("ok.txt", downloads.resolve("ok.txt")).bytes())
                .as("a refused client does not stop the server serving the next one").isEqualTo(2);
    }

    @Test
    void aClientThatNeverAsksTimesOutWhileOthersAreServed() throws Exception {
        server.close();
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Duration.ofMillis(200), new PrintStream(serverLog, true, StandardCharsets.UTF_8));
        port = server.start();
        Files.writeString(root.resolve("a.txt"), "a");
        try (Socket silent = new Socket(HOST, port)) {
            silent.setSoTimeout(5_000);
            assertThat(download("a.txt", downloads.resolve("a.txt")).bytes()).isEqualTo(1);
            assertThat(new String(silent.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .as("the server gives up on a silent client with an ERROR line the client can show, then FIN")
                    .startsWith("ERROR no file name within").endsWith("(read deadline)\n");
        }
        server.shutdown(TIMEOUT);
        assertThat(serverLog.toString(StandardCharsets.UTF_8)).contains("refused").contains("no file name within");
    }

    static String sha256Hex(String s) {
        return java.util.HexFormat.of().formatHex(FileProtocol.sha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static java.util.List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
