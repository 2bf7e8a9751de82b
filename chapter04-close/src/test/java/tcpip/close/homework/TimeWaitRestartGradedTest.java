package tcpip.close.homework;

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

    /** A server closes 3 connections first (TIME_WAIT on its port) and then stops; another port gets one too. */
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
            KernelAwait.awaitTable(rows -> timeWait(rows, port) >= CLOSED_BY_SERVER && timeWait(rows, otherPort) >= 1,
                    Duration.ofSeconds(3), "TIME_WAIT rows on both ports");
        }
    }

    @AfterEach
    void nothing() {
        // the TIME_WAIT rows expire on their own (60 s on Linux)
    }

    @Test
    void countsTheTimeWaitConnectionsOfThatPortOnly() throws Exception {
        long truth = timeWait(SocketTable.read(), port);
        long counted = Within.call(Duration.ofSeconds(3), "timeWaitCount", () -> TimeWaitRestart.timeWaitCount(port));
        assertThat(counted).as("TIME_WAIT rows with local port %d: the old server closed %d connections first, so its"
                + " side of each waits in TIME_WAIT (rows on other ports, like %d, and rows whose REMOTE port is %d do"
                + " not count)", port, CLOSED_BY_SERVER, otherPort, port).isEqualTo(truth);
    }

    /** TIME_WAIT rows of a server on ::1 are rows of its port too: an address is not part of what is counted. */
    @Test
    @Weight(3)
    void countsTheTimeWaitConnectionsOfAnIpv6ServerToo() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int v6Port;
        try (ServerSocket old = new ServerSocket(0, 10, v6)) {
            v6Port = old.getLocalPort();
            for (int i = 0; i < 2; i++) {
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
        KernelAwait.awaitTable(rows -> timeWait(rows, p) >= 2, Duration.ofSeconds(3), "TIME_WAIT rows on [::1]:" + p);
        long truth = timeWait(SocketTable.read(), p);
        long counted = Within.call(Duration.ofSeconds(3), "timeWaitCount", () -> TimeWaitRestart.timeWaitCount(p));
        assertThat(counted).as("TIME_WAIT rows with local port %d, a server on ::1 (its rows' address is"
                + " 00000000000000000000000001000000)", p).isEqualTo(truth);
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

    private static void serverClosesFirst(ServerSocket listener) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            client.setSoTimeout(3_000);
            try (Socket served = listener.accept()) {
                served.shutdownOutput(); // the server's FIN goes first: its side will be the one in TIME_WAIT
            }
            client.getInputStream().read(); // -1: the server's FIN
        }
    }

    private static long timeWait(java.util.List<SocketRow> rows, int localPort) {
        return rows.stream().filter(r -> r.state() == TcpState.TIME_WAIT && r.localPort() == localPort).count();
    }
}
