package tcpip.segmentation;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.testing.DescriptorExhaustion;
import tcpip.testing.DescriptorExhaustion.Probe;
import tcpip.testing.DescriptorExhaustion.Server;
import tcpip.testing.StarvedServer;

/**
 * Every server of the chapter survives running out of descriptors (EMFILE), run from classes or from
 * jars: under {@code prlimit --nofile=64:64}, with more idle clients than descriptors, it stays up,
 * does not spin, and serves again within two seconds (plus a busy machine's slack) once they leave.
 * One JVM per form runs all of them, each in a class loader of its own (course-testing's
 * {@link DescriptorExhaustion}). Caps are raised so that the descriptors, not the cap, run out.
 * On the code before this test, a server's first connection after the exhaustion loaded the
 * lesson's classes (LineCore, LineDecoder …) with no descriptor left: the failure stayed cached and
 * every later client was closed unanswered.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    static final String PKG = "tcpip.segmentation.";
    static final List<String> COMMON = List.of("--port", "0", "--max-connections", "1000");
    static final Duration LOG_WAIT = Duration.ofSeconds(1);

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"classes", "jars"})
    void everyServerOutOfDescriptorsStaysUpAndServesAgain(String form, @TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        try (DescriptorExhaustion host = DescriptorExhaustion.start(form, tmp)) {
            for (Server s : servers()) {
                host.check(s);
            }
        }
    }

    /**
     * ncdfe_sticky.sh: LineServer and StreamServer started under --nofile=7 or 14 listened, and their first
     * client, starved, cached "NoClassDefFoundError: LineCore / StreamCore" or broke the virtual-thread poller
     * for good: every later client failed the same way after prlimit --pid raised the limit.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"framing.LineServer", "StreamServer"})
    void aServerStarvedAtItsFirstClientServesOnceDescriptorsReturn(String main, @TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        // Each probe makes the server's read wait once (where a virtual thread needs the poller), and the server
        // runs with no other argument than the port, as the red team started it.
        Probe probe = main.equals("StreamServer") ? (at, log) -> {
            int port;
            try (Socket c = Probe.connect(at)) {
                port = c.getLocalPort();
                StarvedServer.sendInTwoParts(c, "pro".getBytes(StandardCharsets.UTF_8), "be".getBytes(StandardCharsets.UTF_8));
                c.shutdownOutput();
                c.getInputStream().readAllBytes(); // until the server closes
            }
            return log.await(LOG_WAIT, ":" + port, "5 bytes in");
        } : (at, log) -> {
            try (Socket c = Probe.connect(at)) {
                for (String line : List.of("hi", "yo")) { // the second line is sent once the first is answered
                    c.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    byte[] expected = ("line " + (line.equals("hi") ? 1 : 2) + ": " + line + "\n").getBytes(StandardCharsets.UTF_8);
                    if (!Arrays.equals(c.getInputStream().readNBytes(expected.length), expected)) {
                        return false;
                    }
                }
                return true;
            }
        };
        Server s = new Server(PKG + main, List.of("--port", "0"), "listening on", probe);
        StarvedServer.assertNoStickyFailure("classes", tmp, s, 12, "hello".getBytes(StandardCharsets.UTF_8));
    }

    static List<Server> servers() {
        return List.of(
                server("framing.LineServer", List.of(), reply("hi\n".getBytes(StandardCharsets.UTF_8),
                        "line 1: hi\n".getBytes(StandardCharsets.UTF_8))),
                server("framing.LengthPrefixServer", List.of(), reply(new byte[] {0, 0, 0, 2, 'h', 'i'},
                        frame("frame 1: 2 bytes"))),
                server("nagle.RequestResponseServer", List.of(), reply(new byte[20], new byte[4])),
                server("throughput.BulkReceiver", List.of(), reply(new byte[5], new byte[] {0, 0, 0, 0, 0, 0, 0, 5})),
                server("buffers.SlowReaderServer", List.of("--hold", "0s"), logged("drained")),
                server("framing.ReadSizeServer", List.of("--buffer", "4K"), logged("read() calls")),
                server("StreamServer", List.of(), logged("read() calls")),
                // Last: they start ss for each connection, and a process start that fails for want of
                // descriptors closes a descriptor of the JVM (0, measured; SsInfo guards against it, not
                // always in time), which in this shared JVM may be one the next server needs.
                server("buffers.BufferSizeServer", List.of(), logged("client ")),
                server("mss.MssServer", List.of(), logged("after the first data")));
    }

    private static Server server(String main, List<String> args, Probe probe) {
        List<String> all = new java.util.ArrayList<>(COMMON);
        all.addAll(args);
        return new Server(PKG + main, all, "listening on", probe);
    }

    /** Sends {@code request} and FIN; served if the reply is exactly {@code expected}. */
    static Probe reply(byte[] request, byte[] expected) {
        return (at, log) -> {
            try (Socket s = Probe.connect(at)) {
                s.getOutputStream().write(request);
                s.shutdownOutput();
                return Arrays.equals(s.getInputStream().readAllBytes(), expected);
            }
        };
    }

    /** Sends a few bytes and FIN; served once the server's log has a line naming this client with {@code words}. */
    static Probe logged(String words) {
        return (at, log) -> {
            int port;
            try (Socket s = Probe.connect(at)) {
                port = s.getLocalPort();
                s.getOutputStream().write("probe".getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                s.getInputStream().readAllBytes(); // until the server closes
            }
            return log.await(LOG_WAIT, ":" + port, words);
        };
    }

    static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] f = new byte[4 + payload.length];
        f[3] = (byte) payload.length;
        System.arraycopy(payload, 0, f, 4, payload.length);
        return f;
    }
}
