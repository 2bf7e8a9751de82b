package tcpip.segmentation;

import tcpip.net.LoopbackPair;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/** Runs the Nagle experiment on one loopback connection in this JVM (for the demo and tests). */
public final class NagleProbe {

    private NagleProbe() {
    }

    /** Times {@code requests} write-write-read requests; returns each one in nanoseconds. */
    public static long[] run(boolean nodelay, int requests) throws IOException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open((client, listener) -> client.setTcpNoDelay(nodelay))) {
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread server = Thread.ofPlatform().daemon().name("request-server").start(() -> {
                try {
                    RequestResponseServer.answer(pair.server());
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            long[] nanos = NagleClient.time(pair.client(), requests);
            pair.client().shutdownOutput(); // FIN: the server's readNBytes sees the end
            server.join(10_000);
            if (failed.get() != null) {
                throw failed.get();
            }
            return nanos;
        }
    }
}
