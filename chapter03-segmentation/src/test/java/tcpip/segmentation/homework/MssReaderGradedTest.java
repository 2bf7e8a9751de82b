package tcpip.segmentation.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.SsInfo;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades MssReader on a fixed ss output (both ends, three mss-like fields) and on live connections against SsInfo. */
@ExtendWith(TodoHint.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MssReaderGradedTest {

    /** Points in the score table. */
    static final int POINTS = 6;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(MssReader.class)
            .forbid("tcpip.kernel", "run ss and parse its output yourself").mayRun("ss");

    /** Real ss -tinH output: a third connection first, then both ends of 47028 <-> 57715. */
    static final String SS = String.join("\n",
            "ESTAB      0      0               127.0.0.1:40000          127.0.0.1:7007",
            "\t bbr wscale:10,10 rto:200 rtt:0.05/0.02 mss:16384 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10",
            "ESTAB      0      0               127.0.0.1:47028          127.0.0.1:57715",
            "\t bbr wscale:10,10 rto:204 rtt:0.041/0.02 mss:47616 pmtu:65535 rcvmss:536 advmss:65483 cwnd:13",
            "ESTAB      0      0               127.0.0.1:57715          127.0.0.1:47028",
            "\t bbr wscale:10,10 rto:200 rtt:0.023/0.011 ato:40 mss:32768 pmtu:65535 rcvmss:34518 advmss:65483 cwnd:10",
            "");

    @Test
    void parsesTheMssOfTheRightEndOfTheRightConnection() throws Exception {
        assertThat(MssReader.parse(SS, 47028, 57715)).as("mss of the end with local port 47028 (its peer, 57715,"
                + " has its own line with mss:32768; advmss and rcvmss are other numbers)").isEqualTo(47616);
        assertThat(MssReader.parse(SS, 57715, 47028)).as("mss of the end with local port 57715").isEqualTo(32768);
    }

    /** What ss really prints for the JDK's sockets: [::ffff:127.0.0.1]:PORT (IPv4 on a dual-stack socket) and [::1]:PORT. */
    static final String SS_IPV6 = String.join("\n",
            "ESTAB 0      0                   [::1]:42533              [::1]:43828",
            "\t bbr wscale:10,10 rto:204 rtt:0.05/0.025 mss:32732 pmtu:65536 rcvmss:536 advmss:65464 cwnd:10",
            "ESTAB 0      0      [::ffff:127.0.0.1]:32997 [::ffff:127.0.0.1]:52832",
            "\t bbr wscale:10,10 rto:204 rtt:0.041/0.02 mss:32741 pmtu:65535 rcvmss:536 advmss:65483 cwnd:10",
            "ESTAB 0      0                   [::1]:43828              [::1]:42533",
            "\t bbr wscale:10,10 rto:204 rtt:0.03/0.015 ato:40 mss:24576 pmtu:65536 rcvmss:536 advmss:65464 cwnd:10",
            "");

    @Test
    @Weight(2)
    void parsesIpv6AndMappedAddressesAsSsPrintsThem() throws Exception {
        assertThat(MssReader.parse(SS_IPV6, 43828, 42533)).as("mss of [::1]:43828 -> [::1]:42533: the port is after the"
                + " LAST colon, the address is in brackets").isEqualTo(24576);
        assertThat(MssReader.parse(SS_IPV6, 32997, 52832)).as("mss of [::ffff:127.0.0.1]:32997, an IPv4 connection on"
                + " the JDK's dual-stack socket").isEqualTo(32741);
    }

    @Test
    @Weight(2)
    void readsTheMssOfALiveIpv6ConnectionAsSsShowsIt() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        java.net.InetAddress v6 = java.net.InetAddress.getByName("::1");
        try (ServerSocket listener = new ServerSocket(0, 1, v6);
                Socket client = new Socket(v6, listener.getLocalPort());
                Socket served = listener.accept()) {
            served.setSoTimeout(5_000);
            client.getOutputStream().write(new byte[200_000]);
            served.getInputStream().readNBytes(200_000);
            for (Socket end : new Socket[] {client, served}) {
                int got = Within.call(Duration.ofSeconds(5), "mss", () -> MssReader.mss(end));
                long truth = SsInfo.of(end.getLocalPort(), end.getPort()).orElseThrow().number("mss");
                assertThat((long) got).as("mss of the ::1 end %d -> %d (ss prints [::1]:PORT)", end.getLocalPort(),
                        end.getPort()).isEqualTo(truth);
            }
        }
    }

    @Test
    void readsTheMssOfALiveConnectionAsSsShowsIt() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket served = listener.accept()) {
            served.setSoTimeout(5_000);
            client.getOutputStream().write(new byte[200_000]); // data one way: the two ends' mss usually differ
            served.getInputStream().readNBytes(200_000);
            for (Socket end : new Socket[] {client, served}) {
                int got = Within.call(Duration.ofSeconds(5), "mss", () -> MssReader.mss(end));
                long truth = SsInfo.of(end.getLocalPort(), end.getPort()).orElseThrow().number("mss");
                assertThat((long) got).as("mss of the end %d -> %d (ss reads it from the kernel)", end.getLocalPort(),
                        end.getPort()).isEqualTo(truth);
            }
        }
    }

    @Test
    void refusesOutputWithoutThatConnection() throws Exception {
        for (int[] ports : new int[][] {{40000, 9999}, {7007, 40000}}) {
            try {
                int mss = MssReader.parse(SS, ports[0], ports[1]);
                fail("parse() returned %d for %d -> %d, a connection the output does not list: throw IOException (a"
                        + " made-up number such as -1 or 0 would be taken for an MSS)", mss, ports[0], ports[1]);
            } catch (IOException expected) {
                // no such connection
            }
        }
    }

    /**
     * ss writes into a pipe that holds 64 KiB; with 150 connections (300 ends) it prints about 130 KB, and blocks
     * until someone reads: read its output while it runs (readAllBytes, then waitFor), not after waiting for it.
     */
    @Test
    void readsSsOutputLongerThanAPipeHolds() throws Exception {
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        List<Socket> open = new ArrayList<>();
        try (ServerSocket listener = new ServerSocket(0, MANY, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < MANY; i++) {
                open.add(new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
                open.add(listener.accept());
            }
            Socket last = open.get(open.size() - 2);
            int got = Within.call(Duration.ofSeconds(8), "mss with " + MANY + " connections open (ss prints more than a"
                    + " pipe holds: does ss wait for its output to be read?)", () -> MssReader.mss(last));
            long truth = SsInfo.of(last.getLocalPort(), last.getPort()).orElseThrow().number("mss");
            assertThat((long) got).as("mss of one of %d connections", MANY).isEqualTo(truth);
        } finally {
            for (Socket s : open) {
                // Abortive close (RST): an orderly one would leave 150 TIME_WAIT rows for a minute, and every
                // read of the socket table on this machine, by any test, would be that much slower.
                s.setSoLinger(true, 0);
                s.close();
            }
            stuckSs().forEach(ProcessHandle::destroyForcibly); // an ss blocked on a full pipe never ends by itself
        }
    }

    /** Connections open in {@link #readsSsOutputLongerThanAPipeHolds}: about 130 KB of ss output, twice a pipe. */
    static final int MANY = 150;

    /** This JVM's ss processes that have run for seconds: one run takes milliseconds, unless nobody reads its output. */
    private static List<ProcessHandle> stuckSs() {
        java.time.Instant seconds = java.time.Instant.now().minusSeconds(2);
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ss") || c.equals("ss")).orElse(false))
                .filter(p -> p.info().startInstant().map(t -> t.isBefore(seconds)).orElse(false)).toList();
    }
}
