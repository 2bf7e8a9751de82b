package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.net.AcceptLoop;
import tcpip.net.LogSafe;

/**
 * The file server against slow and hostile clients: a name trickled a byte at a time and a reply
 * trickled after the file are cut at the request deadline (--request-timeout; the per-read
 * --read-timeout let each go on for ever, one byte a read), and a refusal never shows the server's
 * paths or an exception's text: the client reads a plain reason, the server's log keeps the detail.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FileServerClientsTest {

    static final Duration REQUEST = Duration.ofMillis(800);
    static final Duration TRICKLE = Duration.ofMillis(100);
    /** A scheduler on two busy cores: how late a deadline may act. */
    static final Duration SLACK = Duration.ofSeconds(3);

    @TempDir
    Path root;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HalfCloseFileServer server;
    private int port;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(root.resolve("a.txt"), "hello");
        startServer(REQUEST);
    }

    private void startServer(Duration request) throws IOException {
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new AcceptLoop.Limits(16, Duration.ofSeconds(30)), Duration.ofSeconds(10),
                new PrintStream(log, true, StandardCharsets.UTF_8)).requestTimeout(request);
        port = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aNameTrickledAByteAtATimeIsCutAtTheRequestDeadline() throws Exception {
        try (Socket slow = connect()) {
            Duration held = trickleUntilCut(slow, slow.getOutputStream(), false);
            assertThat(held).as("how long a trickled name held its slot").isLessThan(REQUEST.plus(SLACK));
        }
        assertThat(log()).as("the server's log").contains("request deadline");
    }

    @Test
    void aReplyTrickledAfterTheFileIsCutAtTheRequestDeadline() throws Exception {
        try (Socket slow = connect()) {
            slow.getOutputStream().write("a.txt\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = slow.getInputStream();
            byte[] all = in.readAllBytes(); // header, the file, the trailer, then the server's FIN
            assertThat(new String(all, StandardCharsets.UTF_8)).startsWith("OK 5\nhello");
            Duration held = trickleUntilCut(slow, slow.getOutputStream(), true);
            assertThat(held).as("how long a trickled reply held its slot").isLessThan(REQUEST.plus(SLACK));
        }
    }

    @Test
    void aFileThatCannotBeOpenedIsRefusedWithoutTheServersPath() throws Exception {
        Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop")); // ELOOP: the error names the real path
        String reply;
        try (Socket s = connect()) {
            s.getOutputStream().write("loop\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(reply).as("the client's reply").isEqualTo("ERROR cannot open loop\n");
        for (String secret : new String[] {root.toString(), root.toRealPath().toString(), "symbolic", "Exception",
                System.getProperty("user.dir")}) {
            assertThat(reply).as("the client's reply").doesNotContain(secret);
        }
        long end = System.nanoTime() + SLACK.toNanos();
        while (!log().contains("refused") && System.nanoTime() < end) { // the line is written before the close
            Thread.onSpinWait();
        }
        assertThat(log()).as("the server's log keeps the detail").contains("cannot open loop: ")
                .contains(root.toRealPath().toString());
    }

    /**
     * Odd names (the red team's list): every reply is the server's own sentence, never an exception's text (the
     * JDK's "Nul character not allowed" went back to the client), a Java class name or a path of the server's.
     */
    @Test
    void noReplyToAnOddNameCarriesAnExceptionsTextOrAPath() throws Exception {
        Files.createDirectories(root.resolve("d/open777"));
        Files.setPosixFilePermissions(root.resolve("d/open777"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.writeString(root.resolve("d/open777/f"), "x");
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(root.resolve("loop1"), Path.of("loop2"));
        Files.createSymbolicLink(root.resolve("loop2"), Path.of("loop1"));
        Files.createSymbolicLink(root.resolve("out"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(root.resolve("procenv"), Path.of("/proc/self/environ"));
        List<String> names = List.of("d", "d/open777/f", "dangling", "loop1", "out", "procenv", "a.txt/x",
                "x".repeat(300), "\0", "a\0b", "a.txt\0.jpg", "//etc/passwd", "\\etc", "C:\\x", ".", "./", "d/..",
                "../x", "\u00ff\u00fe", "%2e%2e/x", " a.txt", "~root/.bashrc", "$HOME", "a.txt/");
        List<String> secrets = List.of(root.toString(), root.toRealPath().toString(), "Exception", "java", "Error",
                "Nul character", "not allowed", System.getProperty("user.dir"));
        for (String name : names) {
            String reply;
            try (Socket s = connect()) {
                s.getOutputStream().write((name + "\n").getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(reply).as("the reply to %s", LogSafe.text(name)).startsWith(name.startsWith("a.txt/") ? "" : "ERROR ");
            for (String secret : secrets) {
                assertThat(reply).as("the reply to %s", LogSafe.text(name)).doesNotContain(secret);
            }
        }
        assertThat(log()).as("the server's log keeps the detail").contains("Nul character not allowed");
    }

    @Test
    void aNameEndedByFinBeforeItsNewlineIsNotAName() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("a.txt".getBytes(StandardCharsets.UTF_8)); // a file of that name exists
            s.shutdownOutput(); // FIN: the client gave up before the newline
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).as("the reply to an unfinished name").startsWith("ERROR ").contains("newline")
                    .doesNotContain("OK");
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("a.txt\n".getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("OK 5\n");
        }
    }

    @Test
    void aFileChangedWhileItIsSentGetsNoTrailer() throws Exception {
        server.close(); // 8 MiB through a 4 KiB window outlasted the 800 ms request deadline on a busy machine
        startServer(Duration.ofSeconds(30));
        Path big = root.resolve("big.bin");
        Files.write(big, new byte[8 << 20]);
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096); // before connect: a small window, so the server's send waits on us
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("big.bin\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(("OK " + (8 << 20) + "\n").length()), StandardCharsets.UTF_8))
                    .isEqualTo("OK " + (8 << 20) + "\n");
            in.readNBytes(4096); // the transfer is under way: the rest of the file has not been read yet
            try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open(big,
                    java.nio.file.StandardOpenOption.WRITE)) {
                f.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 4 << 20); // rewritten in place, same size
            }
            Files.setLastModifiedTime(big, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            byte[] rest;
            try {
                rest = in.readAllBytes();
            } catch (IOException e) {
                rest = new byte[0]; // reset: no trailer either
            }
            assertThat(new String(rest, StandardCharsets.US_ASCII)).as("what followed the file's bytes")
                    .doesNotContain("SHA-256 ");
        }
        long end = System.nanoTime() + SLACK.toNanos();
        while (!log().contains("changed while it was sent") && System.nanoTime() < end) { // logged before the close
            Thread.onSpinWait();
        }
        assertThat(log()).contains("changed while it was sent");
    }

    /**
     * Sends 'x' at a client's slow pace, never a newline, until the server closes; returns how long that took.
     * {@code finIn}: the server's FIN already came (after the file), so only a failed write (its RST) tells.
     */
    private static Duration trickleUntilCut(Socket slow, OutputStream out, boolean finIn) throws Exception {
        long start = System.nanoTime();
        boolean cut = false;
        for (int i = 0; i < 200 && !cut; i++) { // 20 s at most
            try {
                out.write('x');
                Thread.sleep(TRICKLE); // the client's pace is the subject here, not a synchronisation
                cut = !finIn && peerClosed(slow);
            } catch (IOException e) {
                cut = true; // our write met the server's close (RST)
            }
        }
        assertThat(cut).as("the server cut the trickling client").isTrue();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** True once the server closed: a read with nothing pending returns -1 (FIN) or fails (RST). */
    private static boolean peerClosed(Socket s) throws IOException {
        s.setSoTimeout(1);
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }
}
