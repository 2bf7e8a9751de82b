package tcpip.close.timewait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.kernel.TimerKind;

/** A server that closed first restarts on the same port: SO_REUSEADDR decides, TIME_WAIT rows are the reason. */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
@Timeout(30)
class TimeWaitRestartTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);

    @BeforeEach
    void needsProc() {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
    }

    /** The port the first server used and the ports of the clients it served. */
    private record FirstRun(int port, List<Integer> clientPorts) {
        /** This run's TIME_WAIT rows (a row left by an earlier run may share the port, never the client port too). */
        List<SocketRow> timeWaitRows() {
            return SocketTable.read(r -> r.localPort() == port && clientPorts.contains(r.remotePort())
                    && r.state() == TcpState.TIME_WAIT);
        }
    }

    /** Binds port 0, serves clients closing first, stops; returns the port its TIME_WAIT rows now hold. */
    private static FirstRun runFirstServer(boolean reuse, int clients) throws Exception {
        try (ServerSocket first = ReuseAddressCore.listen(LOOPBACK, 0, reuse)) {
            int port = first.getLocalPort();
            List<Integer> clientPorts = new java.util.ArrayList<>();
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try {
                    TimeWaitRestartServer.serveAndCloseFirst(first, clients);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Background.OWN_THREAD);
            for (int i = 0; i < clients; i++) {
                try (Socket c = new Socket(LOOPBACK, port)) {
                    c.setSoTimeout(5_000);
                    c.getInputStream().readAllBytes(); // until the server's FIN
                    int clientPort = c.getLocalPort();
                    clientPorts.add(clientPort);
                    c.close();
                    KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, WAIT);
                }
            }
            served.get(5, TimeUnit.SECONDS);
            return new FirstRun(port, clientPorts);
        }
    }

    @Test
    void restartFailsWithoutReuseAddressAndWorksWithIt() throws Exception {
        FirstRun run = runFirstServer(true, 2); // Java's default: SO_REUSEADDR true
        int port = run.port();

        List<SocketRow> timeWait = run.timeWaitRows();
        assertThat(timeWait).as("the server closed first, so the TIME_WAIT rows are on its port").hasSize(2);
        assertThat(timeWait).allSatisfy(r -> {
            assertThat(r.timer()).isEqualTo(TimerKind.TIME_WAIT);
            assertThat(r.timerLeft()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60));
        });
        assertThat(SocketTable.listener(port)).as("no server listens any more").isEmpty();

        assertThatThrownBy(() -> ReuseAddressCore.listen(LOOPBACK, port, false).close())
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        try (ServerSocket again = ReuseAddressCore.listen(LOOPBACK, port, true)) {
            assertThat(again.getLocalPort()).isEqualTo(port);
            assertThat(SocketTable.listener(port)).isPresent();
        }
    }

    @Test
    void timeWaitRowsKeepTheOldServersSetting() throws Exception {
        FirstRun run = runFirstServer(false, 1); // the old server turned SO_REUSEADDR off
        int port = run.port();
        assertThat(run.timeWaitRows()).hasSize(1);
        assertThatThrownBy(() -> ReuseAddressCore.listen(LOOPBACK, port, true).close())
                .as("Linux lets a bind share a port with TIME_WAIT only if BOTH sockets set SO_REUSEADDR")
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
    }

    @ParameterizedTest
    @ValueSource(ints = {1})
    void printTimeWaitShowsTheRowsWithTheirTimeLeft(int clients) throws Exception {
        FirstRun run = runFirstServer(true, clients);
        int port = run.port();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        List<SocketRow> rows;
        synchronized (System.class) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            try {
                rows = TimeWaitRestartServer.printTimeWait(port);
            } finally {
                System.setOut(old);
            }
        }
        assertThat(rows).extracting(SocketRow::remotePort).as("printed rows include this run's")
                .containsAll(run.clientPorts());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("TIME_WAIT row(s) on port " + port)
                .contains("timer=TIME_WAIT(").contains("s left)").contains("240 s");
    }
}
