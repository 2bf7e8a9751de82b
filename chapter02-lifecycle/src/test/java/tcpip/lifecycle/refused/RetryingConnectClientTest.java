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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** A client started before its server: retry with backoff under a total deadline. */
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class RetryingConnectClientTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration FIRST_PAUSE = Duration.ofMillis(50);
    private static final Duration MAX_PAUSE = Duration.ofMillis(400);

    @Test
    void connectsOnceTheServerComesUpAfterAFailure() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            CountDownLatch firstFailure = new CountDownLatch(1);
            CopyOnWriteArrayList<Exception> failures = new CopyOnWriteArrayList<>();
            CompletableFuture<Socket> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return RetryCore.connect(new InetSocketAddress(LOOPBACK, reserved.port()),
                            Duration.ofSeconds(10), Duration.ofSeconds(1), FIRST_PAUSE, MAX_PAUSE,
                            (attempt, why, pause) -> {
                                failures.add(why);
                                firstFailure.countDown();
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Background.OWN_THREAD);
            assertThat(firstFailure.await(5, TimeUnit.SECONDS)).as("the client failed before the server existed").isTrue();
            try (ServerSocket server = reserved.listen(1);
                    Socket socket = connected.get(5, TimeUnit.SECONDS);
                    Socket accepted = server.accept()) {
                assertThat(socket.getPort()).isEqualTo(reserved.port());
                assertThat(accepted.getPort()).isEqualTo(socket.getLocalPort());
                assertThat(failures).isNotEmpty().allMatch(e -> e instanceof ConnectException);
            }
        }
    }

    @Test
    void givesUpAtTheDeadlineAfterAFewBackedOffAttempts() throws Exception {
        Duration deadline = Duration.ofMillis(700);
        CopyOnWriteArrayList<Duration> pauses = new CopyOnWriteArrayList<>();
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> RetryCore.connect(new InetSocketAddress(LOOPBACK, reserved.port()),
                    deadline, Duration.ofSeconds(1), FIRST_PAUSE, MAX_PAUSE, (attempt, why, pause) -> pauses.add(pause)))
                    .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("gave up after");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("never past the deadline")
                    .isLessThanOrEqualTo(deadline.toMillis() + 200);
        }
        // 50 + 100 + 200 ms of pauses fit in 700 ms; the next one (400 ms) would pass the deadline.
        assertThat(pauses).as("each pause doubles").containsExactly(FIRST_PAUSE, FIRST_PAUSE.multipliedBy(2),
                FIRST_PAUSE.multipliedBy(4));
    }

    @Test
    void aFullAcceptQueueCountsAgainstTheDeadlineToo() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        Duration deadline = Duration.ofMillis(400);
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
                Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort())) {
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            KernelAwait.await(full.getLocalPort(), first.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            long start = System.nanoTime();
            assertThatThrownBy(() -> RetryCore.connect(new InetSocketAddress(LOOPBACK, full.getLocalPort()),
                    deadline, Duration.ofSeconds(5), FIRST_PAUSE, MAX_PAUSE, (attempt, why, pause) -> { }))
                    .isInstanceOf(SocketTimeoutException.class);
            // Far below one attempt's 5 s: the attempt was cut to the 400 ms left. (Not deadline + 200 ms: with the
            // build's test classes side by side, 850 ms was seen.)
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("one attempt's 5 s timeout is cut to the time left").isLessThan(Duration.ofSeconds(5).toMillis() / 2);
        }
    }
}
