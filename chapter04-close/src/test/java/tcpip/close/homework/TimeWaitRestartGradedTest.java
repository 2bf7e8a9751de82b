package tcpip.close.homework;

import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades TimeWaitRestart: it counts the old server's TIME_WAIT connections and binds the port again despite them. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@ExtendWith(TodoHint.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TimeWaitRestartGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(TimeWaitRestart.class)
            .forbid("tcpip.kernel", "read /proc/net/tcp* yourself");

    static final int CLOSED_BY_SERVER = 3;

    private int port;
    private int otherPort;

    /**
     * A server closes 3 connections first (TIME_WAIT on its port) and then stops; another port gets one too, and a
     * client of the first server that closed first leaves a TIME_WAIT row whose REMOTE port is the server's.
     */
    @BeforeEach
    void leaveTimeWaitBehind() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket old = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                ServerSocket other = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            port = old.getLocalPort();
            otherPort = other.getLocalPort();
            for (int i = 0; i < CLOSED_BY_SERVER; i++) {
                serverClosesFirst(old);
            }
            serverClosesFirst(other);
            clientClosesFirst(old);
            KernelAwait.awaitTable(rows -> timeWait(rows, port) >= CLOSED_BY_SERVER && timeWait(rows, otherPort) >= 1
                    && rows.stream().anyMatch(r -> r.state() == TcpState.TIME_WAIT && r.remotePort() == port),
                    Duration.ofSeconds(3), "TIME_WAIT rows on both ports, and a client's towards the first");
        }
    }

    @AfterEach
    void nothing() {
        // the TIME_WAIT rows expire on their own (60 s on Linux)
    }

    @Test
    void countsTheTimeWaitConnectionsOfThatPortOnly() throws Exception {
        assertCountIsTheKernels(port, String.format("TIME_WAIT rows with local port %d: the old server closed %d"
                + " connections first, so its side of each waits in TIME_WAIT (rows on other ports, like %d, and rows"
                + " whose REMOTE port is %d do not count)", port, CLOSED_BY_SERVER, otherPort, port));
    }

    /** TIME_WAIT rows of a server on ::1 are rows of its port too: an address is not part of what is counted. */
    @Test
    void countsTheTimeWaitConnectionsOfAnIpv6ServerToo() throws Exception {
        int v6Port = closedByAnIpv6Server(2);
        int p = v6Port;
        assertCountIsTheKernels(p, String.format("TIME_WAIT rows with local port %d, a server on ::1 (its rows'"
                + " address is 00000000000000000000000001000000)", p));
    }

    @Test
    void rebindsThePortWhileTimeWaitConnectionsHoldIt() throws Exception {
        try (ServerSocket plain = new ServerSocket()) {
            plain.setReuseAddress(false);
            assertThatThrownBy(() -> plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)))
                    .as("control: without SO_REUSEADDR this kernel refuses the port while TIME_WAIT holds it")
                    .isInstanceOf(BindException.class);
        }
        try (ServerSocket again = Within.call(Duration.ofSeconds(3), "rebind", () -> TimeWaitRestart.rebind(port))) {
            assertThat(again.getLocalPort()).as("the restarted server's port").isEqualTo(port);
            assertThat(again.getInetAddress().isLoopbackAddress()).as("bound to the loopback address").isTrue();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket served = again.accept()) {
                assertThat(served.getPort()).as("the restarted server accepts new clients").isEqualTo(client.getLocalPort());
            }
        }
    }

    /**
     * An IPv4-only server (StandardProtocolFamily.INET) is an AF_INET socket: its TIME_WAIT rows are in /proc/net/tcp,
     * not tcp6 (only the JDK's default dual-stack sockets are in tcp6, even for 127.0.0.1).
     */
    @Test
    void countsTheTimeWaitConnectionsOfAnIpv4OnlyServerToo() throws Exception {
        int v4Port = closedByAnIpv4OnlyServer(2);
        int p = v4Port;
        assertCountIsTheKernels(p, String.format("TIME_WAIT rows with local port %d, an IPv4-only server (AF_INET:"
                + " its rows are in /proc/net/tcp, not tcp6)", p));
    }

    /** A listening socket holds the port (SO_REUSEADDR does not share it with a listener): rebind() fails and closes. */
    @Test
    void aFailedRebindLeavesNoSocketBehind() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.List<tcpip.kernel.Descriptors.Descriptor> before = tcpip.kernel.Descriptors.tcpSockets();
            for (int i = 0; i < FAILED_REBINDS; i++) {
                try (ServerSocket again = Within.call(Duration.ofSeconds(3), "rebind of a port a listener holds",
                        () -> TimeWaitRestart.rebind(holder.getLocalPort()))) {
                    org.assertj.core.api.Assertions.fail("rebind(%d) bound a port that a listening socket holds: %s",
                            holder.getLocalPort(), again);
                } catch (IOException expected) {
                    // BindException: the port is in use by a listener
                }
            }
            assertThat(tcpip.kernel.Descriptors.newTcpSockets(before)).as("sockets still open after %d rebind() calls"
                    + " whose bind() failed: the socket made before bind() must be closed when bind() throws",
                    FAILED_REBINDS).hasSizeLessThan(FAILED_REBINDS / 2);
        }
    }

    static final int FAILED_REBINDS = 10;

    /**
     * A restart as an operator meets it, every step checked: the count for the old port (whose rows include a client's
     * with the port as its REMOTE port), for another port, for a server on ::1 and for an IPv4-only server, then the
     * rebind on the old port, and rebinds of a port a listener holds, which fail and leave no socket. Weighted so that
     * a mistake in either half (the count of any kind of row, the rebind on either path) keeps at most half of the points.
     */
    @Test
    @Weight(6)
    void aRestartCountsEveryKindOfRowAndRebindsOnEveryPath() throws Exception {
        int v6Port = closedByAnIpv6Server(1);
        int v4Port = closedByAnIpv4OnlyServer(3);
        String[] what = {"step 1: the old port " + port, "step 2: another port " + otherPort,
            "step 3: a server on ::1, port " + v6Port, "step 4: an IPv4-only server, port " + v4Port};
        int[] ports = {port, otherPort, v6Port, v4Port};
        for (int i = 0; i < ports.length; i++) {
            int p = ports[i];
            assertCountIsTheKernels(p, what[i] + ": TIME_WAIT rows with that LOCAL port");
        }
        try (ServerSocket again = Within.call(Duration.ofSeconds(3), "rebind", () -> TimeWaitRestart.rebind(port))) {
            assertThat(again.getLocalPort()).as("step 5: the port rebind(%d) bound", port).isEqualTo(port);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port); Socket served = again.accept()) {
                assertThat(served.getPort()).as("step 5: the restarted server accepts").isEqualTo(client.getLocalPort());
            }
        }
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.List<tcpip.kernel.Descriptors.Descriptor> before = tcpip.kernel.Descriptors.tcpSockets();
            int failed = 0;
            for (int i = 0; i < FAILED_REBINDS; i++) {
                try (ServerSocket stolen = Within.call(Duration.ofSeconds(3), "rebind of a port a listener holds",
                        () -> TimeWaitRestart.rebind(holder.getLocalPort()))) {
                    org.assertj.core.api.Assertions.fail("step 6: rebind(%d) bound a port a listener holds: %s",
                            holder.getLocalPort(), stolen);
                } catch (IOException expected) {
                    failed++;
                }
            }
            assertThat(failed).as("step 6: rebinds that threw").isEqualTo(FAILED_REBINDS);
            assertThat(tcpip.kernel.Descriptors.newTcpSockets(before)).as("step 6: sockets left open by %d failed"
                    + " rebinds", FAILED_REBINDS).hasSizeLessThan(FAILED_REBINDS / 2);
        }
    }

    /** A server on ::1 closes {@code n} connections first: {@code n} TIME_WAIT rows on its port, in /proc/net/tcp6. */
    private static int closedByAnIpv6Server(int n) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int v6Port;
        try (ServerSocket old = new ServerSocket(0, 10, v6)) {
            v6Port = old.getLocalPort();
            for (int i = 0; i < n; i++) {
                try (Socket client = new Socket(v6, v6Port)) {
                    client.setSoTimeout(3_000);
                    try (Socket served = old.accept()) {
                        served.shutdownOutput();
                    }
                    client.getInputStream().read();
                }
            }
        }
        int p = v6Port;
        KernelAwait.awaitTable(rows -> timeWait(rows, p) >= n, Duration.ofSeconds(3), "TIME_WAIT rows on [::1]:" + p);
        return p;
    }

    /** An IPv4-only (AF_INET) server closes {@code n} connections first: its rows are in /proc/net/tcp. */
    private static int closedByAnIpv4OnlyServer(int n) throws Exception {
        int v4Port;
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            v4Port = ((InetSocketAddress) old.getLocalAddress()).getPort();
            for (int i = 0; i < n; i++) {
                try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
                    client.connect(old.getLocalAddress());
                    try (SocketChannel served = old.accept()) {
                        served.shutdownOutput(); // the server's FIN first
                    }
                    client.socket().setSoTimeout(3_000);
                    client.socket().getInputStream().read(); // -1: the server's FIN
                }
            }
        }
        int p = v4Port;
        KernelAwait.awaitTable(rows -> timeWait(rows, p) >= n, Duration.ofSeconds(3), "TIME_WAIT rows on 127.0.0.1:" + p);
        return p;
    }


    /** The client closes first: its side (remote port = the server's) waits in TIME_WAIT, the server's does not. */
    private static void clientClosesFirst(ServerSocket listener) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket served = listener.accept()) {
            served.setSoTimeout(3_000);
            client.shutdownOutput(); // the client's FIN first
            served.getInputStream().read(); // -1
            served.shutdownOutput();
            client.setSoTimeout(3_000);
            client.getInputStream().read(); // -1: then both close, the client's side into TIME_WAIT
        }
    }

    private static void serverClosesFirst(ServerSocket listener) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            client.setSoTimeout(3_000);
            try (Socket served = listener.accept()) {
                served.shutdownOutput(); // the server's FIN goes first: its side will be the one in TIME_WAIT
            }
            client.getInputStream().read(); // -1: the server's FIN
        }
    }

    /**
     * timeWaitCount(p) equals the kernel's count, read just before and just after it. Other tests run beside this one:
     * their clients can take the same number as an ephemeral port, and such a connection can enter TIME_WAIT, or leave
     * it (a reset or a reuse ends a TIME_WAIT early), while the count runs. So a few tries (each takes milliseconds):
     * the first that agrees with the kernel passes; a count that is wrong every time fails.
     */
    private static void assertCountIsTheKernels(int p, String what) throws Exception {
        long before;
        long counted;
        long after;
        int tries = 0;
        do {
            tries++;
            before = timeWait(SocketTable.read(), p);
            counted = Within.call(Duration.ofSeconds(3), "timeWaitCount", () -> TimeWaitRestart.timeWaitCount(p));
            after = timeWait(SocketTable.read(), p);
        } while ((before != after || counted != before) && tries < COUNT_TRIES);
        assertThat(counted).as("%s (the kernel's count: %d before the call, %d after it; %d tries)", what, before,
                after, tries).isBetween(Math.min(before, after), Math.max(before, after));
    }

    static final int COUNT_TRIES = 5;

    private static long timeWait(java.util.List<SocketRow> rows, int localPort) {
        return rows.stream().filter(r -> r.state() == TcpState.TIME_WAIT && r.localPort() == localPort).count();
    }
}
