package tcpip.lifecycle.refused;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** Nobody listening: the RST comes back at once, unlike a dropped SYN. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RefusedTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int GENEROUS_TIMEOUT_MS = 2_000;
    private static final int SHORT_TIMEOUT_MS = 300;
    private static final long REFUSED_BOUND_MS = 1_000;

    @Test
    void connectToAPortNobodyListensOnIsRefusedWithinMilliseconds() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback(); Socket client = new Socket()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(new InetSocketAddress(LOOPBACK, reserved.port()), GENEROUS_TIMEOUT_MS))
                    .isInstanceOf(ConnectException.class)
                    .hasMessageContaining("refused");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("the RST answers the SYN at once; the timeout never comes into play")
                    .isLessThan(REFUSED_BOUND_MS);
        }
    }

    @Test
    void refusedIsFasterThanATimeout() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        long refusedNanos;
        try (ReservedPort reserved = ReservedPort.onLoopback(); Socket client = new Socket()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(new InetSocketAddress(LOOPBACK, reserved.port()), SHORT_TIMEOUT_MS))
                    .isInstanceOf(ConnectException.class);
            refusedNanos = System.nanoTime() - start;
        }
        long timedOutNanos;
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
                Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort());
                Socket client = new Socket()) {
            // backlog 1 holds two finished connections; once both are queued, SYNs are dropped.
            KernelAwait.await(full.getLocalPort(), first.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.connect(new InetSocketAddress(LOOPBACK, full.getLocalPort()), SHORT_TIMEOUT_MS))
                    .isInstanceOf(SocketTimeoutException.class);
            timedOutNanos = System.nanoTime() - start;
        }
        assertThat(refusedNanos).as("refused (RST) vs timed out (silence)").isLessThan(timedOutNanos);
    }
}
