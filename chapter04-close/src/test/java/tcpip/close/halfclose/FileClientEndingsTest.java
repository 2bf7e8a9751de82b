package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.narration.Progress;

/**
 * Red-team findings on how the file client ends: a failed transfer left the progress line finished (a second
 * line on stderr), a header "OK +3" was taken for 3, a name that appeared while the file was received was replaced
 * by the rename (a symbolic link swapped in), and a folder moved away mid-transfer ended in a bare
 * "NoSuchFileException: ....part -> .../t".
 */
@Timeout(30)
class FileClientEndingsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aHeaderIsAsciiDigitsOnly() throws IOException {
        for (String bad : new String[] {"OK +3", "OK -0", "OK \uFF13", "OK 1234567890123456789", "OK ", "OK 3 "}) {
            assertThatThrownBy(() -> FileProtocol.readHeader(in(bad + "\n"))).as(bad)
                    .isInstanceOf(FileProtocol.ProtocolException.class);
        }
        assertThat(FileProtocol.readHeader(in("OK 003\n"))).isEqualTo(3);
        assertThat(FileProtocol.readHeader(in("OK 123456789012345678\n"))).isEqualTo(123456789012345678L);
    }

    @Test
    void aFailedTransferErasesItsProgressLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Progress progress = Progress.on(new PrintStream(err, true, StandardCharsets.UTF_8), "receiving x", -1);
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> sends = serve(server, null, "OK 10\nabc".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> HalfCloseFileClient.download("127.0.0.1", server.getLocalPort(), "x",
                    dir.resolve("x"), TIMEOUT, new PrintStream(OutputStream.nullOutputStream()), progress))
                    .isInstanceOf(FileProtocol.IncompleteException.class);
            sends.get(10, TimeUnit.SECONDS);
        }
        String drawn = err.toString(StandardCharsets.UTF_8);
        assertThat(drawn).as("drawn, then erased: no line of its own").contains("receiving x").doesNotContain("\n")
                .endsWith(" \r");
    }

    @Test
    void aNewNameNeverReplacesWhatTookItMeanwhile() throws IOException {
        Path part = Files.writeString(dir.resolve(".t.1.x.part"), "received");
        Path target = Files.createSymbolicLink(dir.resolve("t"), dir.resolve("elsewhere"));
        assertThatThrownBy(() -> HalfCloseFileClient.publishNew(part, target))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.isSymbolicLink(target)).as("the link swapped in stays").isTrue();
        Path fresh = dir.resolve("fresh");
        HalfCloseFileClient.publishNew(part, fresh);
        assertThat(Files.readString(fresh)).isEqualTo("received");
        assertThat(part).as("the .part is gone once linked").doesNotExist();
    }

    @Test
    void aFolderMovedAwayMidTransferSaysNothingWasSaved() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("in"));
        Path moved = dir.resolve("moved");
        CountDownLatch firstBytes = new CountDownLatch(1);
        byte[] rest = concat("def".getBytes(StandardCharsets.UTF_8),
                FileProtocol.trailer(FileProtocol.sha256().digest("abcdef".getBytes(StandardCharsets.UTF_8))));
        try (ServerSocket server = listen()) {
            CompletableFuture<Void> sends = serve(server, firstBytes, "OK 6\nabc".getBytes(StandardCharsets.UTF_8), rest);
            assertThatThrownBy(() -> HalfCloseFileClient.download("127.0.0.1", server.getLocalPort(), "t",
                    folder.resolve("t"), TIMEOUT, new PrintStream(OutputStream.nullOutputStream()), got -> {
                        if (got >= 3 && firstBytes.getCount() > 0) {
                            move(folder, moved);
                            firstBytes.countDown();
                        }
                    }))
                    .isInstanceOf(HalfCloseFileClient.NotSavedException.class)
                    .hasMessageContaining("nothing was saved").hasMessageContaining("no longer where it was created");
            sends.get(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> left = Files.list(moved)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("only a hidden .part stays in the moved folder, never a file named t")
                    .allMatch(n -> n.startsWith(".t.") && n.endsWith(".part"));
        }
        assertThat(Files.exists(folder.resolve("t"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return s;
    }

    /** Accepts one client, reads its name, sends {@code first}, waits for {@code between} (if any), sends the rest. */
    private static CompletableFuture<Void> serve(ServerSocket server, CountDownLatch between, byte[] first,
            byte[]... rest) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                FileProtocol.readName(s.getInputStream(), new byte[FileProtocol.MAX_NAME_BYTES + 2]);
                s.getOutputStream().write(first);
                s.getOutputStream().flush();
                if (between != null && !between.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the client never got the first bytes");
                }
                for (byte[] r : rest) {
                    s.getOutputStream().write(r);
                }
                s.shutdownOutput();
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static ByteArrayInputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
