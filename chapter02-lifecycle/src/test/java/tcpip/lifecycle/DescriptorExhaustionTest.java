package tcpip.lifecycle;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.lifecycle.options.EarlyOptionsServer;
import tcpip.testing.DescriptorExhaustion;
import tcpip.testing.DescriptorExhaustion.Probe;
import tcpip.testing.DescriptorExhaustion.Server;
import tcpip.testing.StarvedServer;

/**
 * The chapter's servers out of descriptors at their first client (ncdfe_sticky.sh): each in a JVM of its own
 * under prlimit, started with too few descriptors (it refuses in one line) or starved once it listens, then given
 * its descriptors back with prlimit --pid; later clients must be served. Before, EarlyOptionsServer (N=7) cached
 * "NoClassDefFoundError: tcpip/lifecycle/options/BufferOptionsClient" and HandshakeServer (N=9) "Could not
 * initialize class sun.nio.ch.Poller" for good: neither loaded what a connection needs before its first accept.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    @Test
    void earlyOptionsServerStarvedAtItsFirstClientServesOnceDescriptorsReturn(@TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        Probe reply = (at, log) -> {
            try (Socket s = Probe.connect(at)) {
                return Arrays.equals(s.getInputStream().readAllBytes(), EarlyOptionsServer.REPLY);
            }
        };
        // --show 1000: the first 20 connections (the default) were the ones that failed; later ones skip the class
        Server server = new Server("tcpip.lifecycle.options.EarlyOptionsServer", List.of("--port", "0", "--show", "1000"),
                "listening on ", reply);
        StarvedServer.assertNoStickyFailure("classes", tmp, server, 12, "hello".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void handshakeServerStarvedAtItsFirstClientServesOnceDescriptorsReturn(@TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        byte[] probe = "probe!!".getBytes(StandardCharsets.UTF_8); // 7 bytes: the starved client sends 5
        Probe counted = (at, log) -> {
            int from = log.lines().size();
            try (Socket s = Probe.connect(at)) {
                // in two parts: the server's read waits in between, on the virtual-thread poller
                StarvedServer.sendInTwoParts(s, Arrays.copyOf(probe, 3), Arrays.copyOfRange(probe, 3, probe.length));
                s.shutdownOutput();
                s.getInputStream().readAllBytes(); // until the server closes after our FIN
            }
            return log.await(Duration.ofSeconds(1), from, "after sending " + probe.length + " bytes");
        };
        Server server = new Server("tcpip.lifecycle.handshake.HandshakeServer", List.of("--port", "0", "--show", "0"),
                "listening on ", counted);
        StarvedServer.assertNoStickyFailure("classes", tmp, server, 12, "hello".getBytes(StandardCharsets.UTF_8));
    }
}
