package tcpip.close.orderly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.kernel.Background;
import tcpip.narration.Narrator;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.net.LoopbackPair;
import tcpip.kernel.TimerKind;

/** Four way handshake: FIN_WAIT2 / CLOSE_WAIT after the first close, TIME_WAIT on the active closer only. */
@Timeout(30)
class OrderlyCloseTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration LINUX_TIME_WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void needsProc() {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
    }

    @ParameterizedTest
    @EnumSource(Closer.class)
    void timeWaitFollowsTheSideThatClosesFirst(Closer first) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket active = first == Closer.SERVER ? p.server() : p.client();
            Socket passive = first == Closer.SERVER ? p.client() : p.server();
            int a = active.getLocalPort();
            int b = active.getPort();

            active.close();
            SocketRow finWait2 = KernelAwait.await(a, b, TcpState.FIN_WAIT2, WAIT);
            SocketRow closeWait = KernelAwait.await(b, a, TcpState.CLOSE_WAIT, WAIT);
            assertThat(finWait2.inode()).as("the active closer's program let go of the socket").isZero();
            assertThat(closeWait.inode()).as("the passive closer's program still holds its socket").isNotZero();

            assertThat(passive.getInputStream().read()).as("read() after the peer's FIN").isEqualTo(-1);
            passive.close();

            SocketRow timeWait = KernelAwait.await(a, b, TcpState.TIME_WAIT, WAIT);
            assertThat(timeWait.timer()).isEqualTo(TimerKind.TIME_WAIT);
            assertThat(timeWait.timerLeft()).isPositive().isLessThanOrEqualTo(LINUX_TIME_WAIT);
            KernelAwait.awaitGone(b, a, WAIT); // the passive closer keeps no row at all
            assertThat(SocketTable.connection(b, a)).as("passive closer's row").isEmpty();
        }
    }

    /**
     * How long the passive closer waits before its own close(): long enough for the active closer to see its
     * FIN_WAIT2 however busy the machine (the programs' 50 ms default was missed once, with the build's test
     * classes side by side, and the row went straight to TIME_WAIT).
     */
    private static final Duration PASSIVE_PAUSE = Duration.ofSeconds(1);

    @ParameterizedTest
    @EnumSource(Closer.class)
    void pairedMainsEndWithTimeWaitOnTheActiveCloser(Closer first) throws Exception {
        StringBuilder serverOut = new StringBuilder();
        ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.getLocalPort();
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout((int) WAIT.toMillis());
                    OrderlyCloseServer.serveOne(s, first, PASSIVE_PAUSE, serverOut::append);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Background.OWN_THREAD);
            OrderlyCloseClient.run("127.0.0.1", port, first, PASSIVE_PAUSE, WAIT, false,
                    new Narrator(new PrintStream(clientOut, true, StandardCharsets.UTF_8)));
            server.get(30, TimeUnit.SECONDS);
        }
        String active = first == Closer.SERVER ? serverOut.toString() : clientOut.toString(StandardCharsets.UTF_8);
        String passive = first == Closer.SERVER ? clientOut.toString(StandardCharsets.UTF_8) : serverOut.toString();
        assertThat(active).contains("FIN_WAIT2").contains("TIME_WAIT").contains("left)");
        assertThat(passive).contains("read() returned -1").contains("CLOSE_WAIT")
                .contains("the passive closer keeps no TIME_WAIT").doesNotContain(" TIME_WAIT   ");
    }

    /** Issue 12 item 11: the timer on an orphaned FIN_WAIT2 row is tcp_fin_timeout, and is labelled so. */
    @org.junit.jupiter.api.Test
    void anOrphanedFinWait2RowShowsTheFinTimeoutTimerNotTimeWait() throws Exception {
        int before = CloseStates.finTimeoutSeconds().orElseThrow();
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            p.client().close(); // the server never closes: the client's orphan waits in FIN_WAIT2
            SocketRow row = KernelAwait.await(p.clientPort(), p.serverPort(), TcpState.FIN_WAIT2, WAIT);
            int finTimeout = Math.max(before, CloseStates.finTimeoutSeconds().orElseThrow()); // read twice: a sysctl can change
            assertThat(row.timerLeft()).as("the FIN_WAIT2 orphan's timer runs from tcp_fin_timeout = %d s", finTimeout)
                    .isPositive().isLessThanOrEqualTo(Duration.ofSeconds(finTimeout));
            String shown = CloseStates.describe(row);
            assertThat(shown).as("the row as the narration prints it").contains("FIN_WAIT2").contains("timer=tcp_fin_timeout(")
                    .doesNotContain("timer=TIME_WAIT(");
            assertThat(CloseStates.finTimeoutNote(row)).contains("tcp_fin_timeout = ").contains("not the TIME_WAIT timer");
        }
    }
}
