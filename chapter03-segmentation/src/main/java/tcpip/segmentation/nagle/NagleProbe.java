package tcpip.segmentation.nagle;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.net.LoopbackPair;

/** Runs the Nagle experiment on one loopback connection in this JVM (for the demo and tests). */
public final class NagleProbe {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private NagleProbe() {
    }

    /** Times {@code requests} write-write-read requests; returns each one in nanoseconds. */
    public static long[] run(boolean nodelay, int requests) throws IOException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open((client, listener) -> client.setTcpNoDelay(nodelay))
                .readTimeout(LIMIT)) {
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread server = Thread.ofPlatform().daemon().name("request-server").start(() -> {
                try {
                    NagleCore.answer(pair.server());
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            long[] nanos = new long[requests];
            for (int i = 0; i < requests; i++) {
                nanos[i] = NagleCore.request(pair.client());
            }
            pair.client().shutdownOutput(); // FIN: the server's readNBytes sees the end
            server.join(LIMIT.toMillis());
            if (failed.get() != null) {
                throw failed.get();
            }
            return nanos;
        }
    }
}
