package tcpip.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ExchangeDeadline cuts a write() blocked on a peer that never reads, and leaves a socket alone once closed. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ExchangeDeadlineTest {

    @Test
    void aWriteBlockedOnAPeerThatNeverReadsFailsOnceTheDeadlinePasses() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open((c, l) -> l.setReceiveBufferSize(4096))) {
            long start = System.nanoTime();
            try (ExchangeDeadline deadline = ExchangeDeadline.arm(pair.client(), Duration.ofMillis(300))) {
                assertThatThrownBy(() -> {
                    try {
                        pair.client().getOutputStream().write(new byte[64 << 20]); // far more than both buffers
                    } catch (IOException e) {
                        throw deadline.explain(e);
                    }
                }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("300 ms");
                assertThat(deadline.passed()).isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(pair.client().isClosed()).isTrue();
        }
    }

    @Test
    void closedBeforeTheLimitItLeavesTheSocketOpenAndExplainsNothing() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            ExchangeDeadline deadline = ExchangeDeadline.arm(pair.client(), Duration.ofMillis(100));
            deadline.close();
            IOException plain = new IOException("plain");
            assertThat(deadline.explain(plain)).isSameAs(plain);
            // A marker on the alarms' one thread, due after the cancelled alarm: once it ran, that alarm would have too.
            CountDownLatch later = new CountDownLatch(1);
            ChannelDeadline.schedule(later::countDown, Duration.ofMillis(150).toNanos());
            assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(pair.client().isClosed()).isFalse();
            assertThat(deadline.passed()).isFalse();
        }
    }
}
