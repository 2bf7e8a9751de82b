package tcpip.close;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

/**
 * Every server of the chapter survives running out of descriptors (EMFILE), run from classes or from
 * jars: under {@code prlimit --nofile=256:256}, with more idle clients than descriptors, it stays up,
 * does not spin, and serves again within two seconds (plus a busy machine's slack) once they leave.
 * One JVM per form runs all of them, each in a class loader of its own (course-testing's
 * {@link DescriptorExhaustion}); caps are raised so that the descriptors, not the cap, run out.
 * CloseFirstServer closes each client at once, so idle clients never use up its descriptors: StarvedServersTest
 * runs it out of them (and every server at its first client) by lowering its limit with prlimit --pid.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    static final Duration LOG_WAIT = Duration.ofSeconds(1);

    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"classes", "jars"})
    void everyServerOutOfDescriptorsStaysUpAndServesAgain(String form, @TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("a.txt"), "hi");
        try (DescriptorExhaustion host = DescriptorExhaustion.start(form, tmp)) {
            for (Server s : servers(root)) {
                host.check(s);
            }
        }
    }

    static List<Server> servers(Path root) {
        List<String> common = List.of("--port", "0", "--max-connections", "1000");
        return List.of(
                new Server("tcpip.close.halfclose.HalfCloseFileServer", with(common, "--root", root.toString()),
                        "serving", (at, log) -> {
                            try (Socket s = Probe.connect(at)) {
                                s.getOutputStream().write("a.txt\n".getBytes(StandardCharsets.UTF_8));
                                return Arrays.equals(s.getInputStream().readNBytes(5), "OK 2\n".getBytes(StandardCharsets.UTF_8));
                            }
                        }),
                // Each holds its connections: the server lingers on a send buffer the idle client never reads,
                // closes second (after our FIN). (TimeWaitRestartServer serves one client at a time and closes it
                // at once: idle clients never hold its descriptors.) ClosedPeerServer --unread-data is not here:
                // it stays up and serves again, but in this shared JVM it kept 0.4-0.6 of a core busy for 5 s
                // after the burst (alone: 1 tick in 2 s), and why is not found yet; a flaky check would not do.
                new Server("tcpip.close.reset.LingerServer", with(common, "--bytes", "64M", "--linger", "600"),
                        "listening on", (at, log) -> {
                            try (Socket s = Probe.connect(at)) {
                                return s.getInputStream().readNBytes(1).length == 1;
                            }
                        }),
                // Last: its narrations poll /proc/net/tcp* every millisecond for up to four connections and go on
                // for a few seconds after its check, which the next server's CPU windows would count.
                new Server("tcpip.close.orderly.OrderlyCloseServer", with(common, "--closes-first", "client",
                        "--second-close-pause", "0s"), "listening on", logged("accept() -> ")));
    }

    private static List<String> with(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        return all;
    }

    /** Connects and closes; served once the server's log has a line naming this client with {@code words}. */
    static Probe logged(String words) {
        return (at, log) -> {
            int port;
            try (Socket s = Probe.connect(at)) {
                port = s.getLocalPort();
                s.shutdownOutput();
                s.getInputStream().readAllBytes(); // until the server closes
            }
            return log.await(LOG_WAIT, ":" + port, words);
        };
    }
}
