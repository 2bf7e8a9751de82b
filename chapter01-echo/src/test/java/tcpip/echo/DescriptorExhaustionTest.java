package tcpip.echo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.testing.DescriptorExhaustion;
import tcpip.testing.DescriptorExhaustion.Probe;
import tcpip.testing.DescriptorExhaustion.Server;
import tcpip.testing.StarvedServer;

/**
 * Every server survives running out of descriptors (EMFILE), run from classes or from jars: under
 * {@code prlimit --nofile=64:64}, with more idle clients than descriptors, it stays up, does not
 * spin, and serves again within two seconds (plus a busy machine's slack) once the clients leave.
 * One JVM per form runs all of them, each in a class loader of its own (course-testing's
 * {@link DescriptorExhaustion}), so a class a server needs on its failure path is loaded by that
 * server or not at all. On the code before this test, all four died: the first accept() failure
 * loaded LogSafe or Closeables for the first time, with no descriptor left to read the class file.
 * Later, on JDK 21, the virtual-thread servers stayed up but closed every client unanswered once the
 * first handler had run out of descriptors while loading ChannelDeadline or starting the JDK's
 * poller (half the runs): the virtual-thread server goes first, while the host's poller is not started.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {


    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"classes", "jars"})
    void everyServerOutOfDescriptorsStaysUpAndServesAgain(String form, @TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        try (DescriptorExhaustion host = DescriptorExhaustion.start(form, tmp)) {
            for (Server s : servers(form)) {
                host.check(s);
            }
        }
    }

    /**
     * PlainEchoServer serves one client at a time, so a flood of idle clients waits in the kernel's queue and
     * never uses its descriptors up: in a JVM of its own, its soft limit is lowered to the descriptors in use.
     * Before: accept() retried at once, 60-99 % of a core and ~200,000 "client failed: IOException: Too many
     * open files" lines a second (from jars), or the process died of NoClassDefFoundError (from classes).
     */
    @ParameterizedTest(name = "from {0}")
    @ValueSource(strings = {"jars"}) // where it spun; from classes the same run died (a class loaded for the first time)
    void plainEchoServerOutOfDescriptorsBacksOffOnceAndServesAgain(String form, @TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        Server plain = new Server("tcpip.echo.blocking.PlainEchoServer", List.of("--port", "0"), " listening on ",
                twoRoundTrips());
        try (StarvedServer s = StarvedServer.start(form, tmp, plain, DescriptorExhaustion.DESCRIPTORS)) {
            s.assertBacksOffOnceAndServesAgain("Too many open files");
        }
    }

    /**
     * ncdfe_sticky.sh: EchoServer started under --nofile=9 used to listen with a virtual-thread poller that
     * could not start; its first client broke the poller for good ("Could not initialize class
     * sun.nio.ch.Poller" for every later client, even after prlimit --pid raised the limit).
     */
    @Test
    void echoServerStarvedAtItsFirstClientServesOnceDescriptorsReturn(@TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        Server virtual = echo("tcpip.echo.blocking.EchoServer", "--mode", "virtual");
        StarvedServer.assertNoStickyFailure("classes", tmp, virtual, 12, "hello".getBytes(StandardCharsets.UTF_8));
    }

    static List<Server> servers(String form) {
        Server virtual = echo("tcpip.echo.blocking.EchoServer", "--mode", "virtual");
        Server threads = echo("tcpip.echo.blocking.EchoServer", "--mode", "thread-per-client");
        Server nio = echo("tcpip.echo.nio.NioEchoServer");
        Server selector = echo("tcpip.echo.selector.SelectorEchoServer");
        return form.equals("classes") ? List.of(virtual, threads, nio, selector) : List.of(virtual, nio, selector);
    }

    private static Server echo(String main, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("--port", "0", "--quiet"));
        args.addAll(List.of(more));
        return new Server(main, args, " listening on ", twoRoundTrips());
    }

    /**
     * Two round trips on one connection: the server's read for the second one surely waits (its bytes are sent
     * only once the first echo is in), and a first wait is where a virtual thread's poller starts. An empty
     * echo: the server closed the connection unanswered.
     */
    static Probe twoRoundTrips() {
        byte[] hello = "after the exhaustion\n".getBytes(StandardCharsets.UTF_8);
        return (at, log) -> {
            try (Socket s = Probe.connect(at)) {
                OutputStream o = s.getOutputStream();
                for (int round = 0; round < 2; round++) {
                    o.write(hello);
                    if (!Arrays.equals(s.getInputStream().readNBytes(hello.length), hello)) {
                        return false;
                    }
                }
                return true;
            }
        };
    }
}
