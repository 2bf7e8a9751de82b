package tcpip.close;

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
import tcpip.narration.Narrator;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
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
        try (LoopbackPair p = LoopbackPair.open()) {
            Socket active = first == Closer.SERVER ? p.server : p.client;
            Socket passive = first == Closer.SERVER ? p.client : p.server;
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

    @ParameterizedTest
    @EnumSource(Closer.class)
    void pairedMainsEndWithTimeWaitOnTheActiveCloser(Closer first) throws Exception {
        ByteArrayOutputStream serverOut = new ByteArrayOutputStream();
        ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.getLocalPort();
            CompletableFuture<Void> server = CompletableFuture.runAsync(() -> OrderlyCloseServer.serve(listener, first, 1,
                    WAIT, new Narrator(new PrintStream(serverOut, true, StandardCharsets.UTF_8))));
            OrderlyCloseClient.run("127.0.0.1", port, first, WAIT, false,
                    new Narrator(new PrintStream(clientOut, true, StandardCharsets.UTF_8)));
            server.get(10, TimeUnit.SECONDS);
        }
        String active = (first == Closer.SERVER ? serverOut : clientOut).toString(StandardCharsets.UTF_8);
        String passive = (first == Closer.SERVER ? clientOut : serverOut).toString(StandardCharsets.UTF_8);
        assertThat(active).contains("FIN_WAIT2").contains("TIME_WAIT").contains("left)");
        assertThat(passive).contains("read() returned -1").contains("CLOSE_WAIT")
                .contains("the passive closer keeps no TIME_WAIT").doesNotContain(" TIME_WAIT   ");
    }
}
