package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tcpip.close.halfclose.HalfCloseFileClient;
import tcpip.close.halfclose.HalfCloseFileServer;
import tcpip.close.orderly.OrderlyCloseClient;
import tcpip.close.orderly.OrderlyCloseServer;
import tcpip.close.reset.ClosedPeerClient;
import tcpip.close.reset.ClosedPeerServer;
import tcpip.close.reset.LingerClient;
import tcpip.close.reset.LingerServer;
import tcpip.close.timewait.TimeWaitClient;
import tcpip.close.timewait.TimeWaitMyths;
import tcpip.close.timewait.TimeWaitRestartServer;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

/** Every main of this chapter: --help exits 0, bad arguments give one line and exit 2. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(120)
class CliContractTest {

    static Stream<Arguments> mains() {
        return Stream.of(
                bad(CloseFirstServer.class, a("--port", "70000"), a("--bind", "nowhere.invalid")),
                bad(CloseSecondClient.class, a("--timeout", "0s"), a("--host", "localhots")),
                bad(OrderlyCloseServer.class, a("--closes-first", "nobody"), a("--read-timeout", "2d")),
                bad(OrderlyCloseClient.class, a("--port", "70000"), a("--second-close-pause", "11s")),
                bad(HalfCloseFileServer.class, a("--drain-timeout", "soon"), a("--read-timeout", "600h"),
                        a("--read-timeout", "0s"), a("--drain-timeout", "0s"), a("--write-timeout", "2d")),
                bad(HalfCloseFileClient.class, a("--port", "7304"), a("--file", "x", "--timeout", "0s"), // --file missing
                        a("--file", "x", "--out", "/"), a("--file", "x", "--out", "copies/"), a("--file", "")),
                bad(LingerServer.class, a("--linger", "-1")),
                bad(LingerClient.class, a("--rcvbuf", "lots"), a("--stall", "2d")),
                bad(ClosedPeerServer.class, a("--unread-data=yes")),
                bad(ClosedPeerClient.class, a("--port"), a("--timeout", "0s")),
                bad(TimeWaitRestartServer.class, a("--connections", "0")),
                bad(TimeWaitClient.class, a("--count", "x"), a("--timeout", "600h")),
                bad(TimeWaitMyths.class, a("--fin-timeout", "0")),
                bad(CloseDemo.class, a("--stage", "no-such-stage")));
    }

    private static String[] a(String... args) {
        return args;
    }

    private static Arguments bad(Class<?> main, String[]... lists) {
        return Arguments.of(main, lists);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mains")
    void helpAndBadArguments(Class<?> main, String[][] bad) {
        CliContract.assertHelpAndBadArguments(main, bad);
    }
    /** Issue 13 item 12: --help lists exactly the flags ClosedPeerClient reads, and says what each mode does. */
    @org.junit.jupiter.api.Test
    void closedPeerClientHelpMatchesItsFlags() {
        MainRunner.Result help = MainRunner.runHere(java.time.Duration.ofSeconds(20), ClosedPeerClient.class, "--help");
        assertThat(help.stdout()).contains("--host").contains("--port").contains("--unread-data").contains("--timeout")
                .contains("Broken pipe").contains("--unread-data: send first");
    }

    /** Every client: a failure is one line on stderr and a non-zero exit (here: nobody listens on the port). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(classes = {OrderlyCloseClient.class, LingerClient.class,
            ClosedPeerClient.class, TimeWaitClient.class, HalfCloseFileClient.class, CloseSecondClient.class})
    void everyClientFailsWithOneLineAndANonZeroExit(Class<?> client) throws Exception {
        int closedPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        MainRunner.Result r = MainRunner.runHere(java.time.Duration.ofSeconds(20), client, "--port", String.valueOf(closedPort),
                "--file", "x", "--out", System.getProperty("java.io.tmpdir") + "/ch04-none");
        if (r.exitCode() == 2) { // this client has no --file/--out: run it without them
            r = MainRunner.runHere(java.time.Duration.ofSeconds(20), client, "--port", String.valueOf(closedPort));
        }
        assertThat(r.exitCode()).as("%s exit (stderr %s)", client.getSimpleName(), r.stderr()).isEqualTo(1);
        assertThat(r.stderr().strip().lines().count()).as(r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).contains("Connection refused").doesNotContain("\tat ");
    }
}
