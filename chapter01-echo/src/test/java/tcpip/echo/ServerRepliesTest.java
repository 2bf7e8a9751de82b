package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.echo.blocking.EchoClient;

/**
 * No reply ever shows the server's inside: whatever a client does (bytes that are not text, a line
 * longer than the buffer, a line trickled past the request deadline, a reset in the middle of its
 * echo, one connection over the cap), what it reads is its own bytes echoed, or the one "server busy"
 * line; never a path of the server's machine, an exception's name or text, a stack frame. The detail
 * of each failure is in the server's own log, one line that names the client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerRepliesTest {

    static final Duration REQUEST = Duration.ofMillis(600);
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A scheduler on two busy cores: how late a deadline may act. */
    static final Duration SLACK = Duration.ofSeconds(3);
    static final byte[] HELLO = "hello again\n".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0}")
    @EnumSource(AnyServer.Kind.class)
    void whatAClientReadsIsItsOwnBytesOrTheBusyLineWhateverFails(AnyServer.Kind kind) throws Exception {
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        EchoLimits limits = EchoLimits.defaults().withMaxConnections(1).withRequestDeadline(REQUEST);
        int tricklerPort;
        int resetPort;
        try (AnyServer server = AnyServer.start(kind, limits, log)) {
            // Bytes that are no text at all, and a "line" longer than the server's 8 KiB buffer.
            byte[] garbage = garbage();
            try (Socket s = connect(server)) {
                s.getOutputStream().write(garbage);
                s.shutdownOutput();
                byte[] got = s.getInputStream().readAllBytes();
                assertThat(got).as("the echo of bytes that are not text").isEqualTo(garbage);
                assertShowsNothingOfTheServer(got, garbage);
            }
            awaitIdle(server);

            // A line trickled past the request deadline: cut, and what came back is the echo of the trickle.
            try (Socket slow = connect(server)) {
                tricklerPort = slow.getLocalPort();
                byte[] got = trickleUntilCut(slow);
                assertShowsNothingOfTheServer(got, "x".repeat(got.length).getBytes(StandardCharsets.UTF_8));
            }
            awaitIdle(server);

            // A reset in the middle of its echo: what it read before is its own bytes.
            try (Socket rude = new Socket()) {
                rude.setReceiveBufferSize(4096); // before connect: a small window, the echo backs up at once
                rude.connect(server.address(), (int) TIMEOUT.toMillis());
                rude.setSoTimeout((int) TIMEOUT.toMillis());
                resetPort = rude.getLocalPort();
                byte[] big = new byte[256 * 1024];
                Arrays.fill(big, (byte) 'y');
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        rude.getOutputStream().write(big);
                    } catch (IOException e) {
                        // our own reset below ends it
                    }
                });
                byte[] got = rude.getInputStream().readNBytes(100);
                assertShowsNothingOfTheServer(got, Arrays.copyOf(big, got.length));
                rude.setSoLinger(true, 0); // close() sends RST while the server is still echoing
                rude.close();
                writer.join(TIMEOUT);
            }
            awaitIdle(server);

            if (kind != AnyServer.Kind.ITERATIVE) { // the iterative server accepts no one while it serves
                try (Socket holder = connect(server)) {
                    assertThat(EchoClient.roundTrip(holder, HELLO)).isEqualTo(HELLO); // holds the only slot
                    try (Socket over = connect(server)) {
                        byte[] got = over.getInputStream().readAllBytes();
                        byte[] busy = EchoLog.busy(1).getBytes(StandardCharsets.UTF_8);
                        assertThat(new String(got, StandardCharsets.UTF_8)).as("the reply over the cap")
                                .isEqualTo(EchoLog.busy(1));
                        assertShowsNothingOfTheServer(got, busy);
                    }
                }
                awaitIdle(server);
            }

            try (Socket next = connect(server)) {
                assertThat(EchoClient.roundTrip(next, HELLO)).as("the next client is served").isEqualTo(HELLO);
            }
        }
        // The detail stays in the server's log: one line for each failed client, naming it.
        List<String> lines = logBytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).as("the server's log").anySatisfy(l -> assertThat(l)
                .contains(":" + tricklerPort + ":").contains("request deadline"));
        assertThat(lines).as("the server's log").anySatisfy(l -> assertThat(l).contains(":" + resetPort + ":"));
    }

    /**
     * {@code got} is exactly {@code expected} (the client's own bytes, or the busy line) and shows nothing
     * of the server: no path of its machine, no exception's name or text, no stack frame.
     */
    static void assertShowsNothingOfTheServer(byte[] got, byte[] expected) {
        assertThat(got).as("a reply is the client's own bytes or the busy line, nothing more").isEqualTo(expected);
        String text = new String(got, StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>(List.of("Exception", "Error", "\tat ", "tcpip.", ".java", "Caused by"));
        for (String property : new String[] {"user.dir", "user.home", "java.home", "java.io.tmpdir"}) {
            secrets.add(Path.of(System.getProperty(property)).toAbsolutePath().toString());
        }
        secrets.forEach(s -> assertThat(text).as("a reply to a client").doesNotContain(s));
    }

    /** Every byte value but '/', an invalid UTF-8 sequence, a bidi override, then 20 KiB without a newline. */
    private static byte[] garbage() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 256; i++) {
            if (i != '/') {
                b.write(i);
            }
        }
        b.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF});
        b.writeBytes("\u202e\u001b[2J".getBytes(StandardCharsets.UTF_8));
        byte[] long1 = new byte[20 * 1024];
        Arrays.fill(long1, (byte) 'z');
        b.writeBytes(long1);
        return b.toByteArray();
    }

    /** Sends 'x' at a client's slow pace, never a newline, reading what comes back, until the server closes. */
    private static byte[] trickleUntilCut(Socket slow) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        OutputStream out = slow.getOutputStream();
        InputStream in = slow.getInputStream();
        long start = System.nanoTime();
        boolean cut = false;
        for (int i = 0; i < 200 && !cut; i++) { // 10 s of trickling at most
            try {
                out.write('x');
                Thread.sleep(50); // the client's pace is the subject here, not a synchronisation
                slow.setSoTimeout(1);
                for (int b; !cut; ) {
                    try {
                        b = in.read();
                    } catch (SocketTimeoutException e) {
                        break; // nothing more for now
                    }
                    if (b == -1) {
                        cut = true;
                    } else {
                        got.write(b);
                    }
                }
            } catch (IOException e) {
                cut = true; // the server's RST (our write met its close)
            }
        }
        assertThat(cut).as("the server cut the trickling client").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(REQUEST.plus(SLACK));
        return got.toByteArray();
    }

    private static Socket connect(AnyServer server) throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), (int) TIMEOUT.toMillis());
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private static void awaitIdle(AnyServer server) {
        HostileClientsTest.await(() -> server.openConnections() == 0, TIMEOUT,
                () -> server.openConnections() + " connections still counted");
    }
}
