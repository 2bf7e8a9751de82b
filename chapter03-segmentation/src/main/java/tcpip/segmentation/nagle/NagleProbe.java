package tcpip.segmentation.nagle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.ArrayList;
import java.util.List;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.net.LoopbackPair;

/** Runs the Nagle experiment on one loopback connection in this JVM (for the demo and tests). */
public final class NagleProbe {

    private static final Duration LIMIT = Duration.ofSeconds(10);

    private NagleProbe() {
    }

    /** Times {@code requests} write-write-read requests; returns each one in nanoseconds. */
    public static long[] run(boolean nodelay, int requests) throws IOException, InterruptedException {
        return run(nodelay, requests, null, new int[1], new InetSocketAddress[1]);
    }

    /** The same, with tcpdump on the connection's port while the requests run (for the ladder). */
    public static Captured runCaptured(boolean nodelay, int requests) throws IOException, InterruptedException {
        List<Segment> segments = new ArrayList<>();
        int[] port = new int[1];
        InetSocketAddress[] client = new InetSocketAddress[1];
        long[] nanos = run(nodelay, requests, segments, port, client);
        return new Captured(nanos, segments, port[0], client[0]);
    }

    /** Request times, the packets tcpdump saw (empty without tcpdump), the server's port and the client's end. */
    public record Captured(long[] nanos, List<Segment> segments, int serverPort, InetSocketAddress client) {
    }

    private static long[] run(boolean nodelay, int requests, List<Segment> capture, int[] serverPort,
            InetSocketAddress[] clientEnd) throws IOException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open((client, listener) -> client.setTcpNoDelay(nodelay))
                .readTimeout(LIMIT);
                PacketCapture tcpdump = capture == null ? null : PacketCapture.start(pair.serverPort())) {
            serverPort[0] = pair.serverPort();
            clientEnd[0] = (InetSocketAddress) pair.client().getLocalSocketAddress();
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
            if (tcpdump != null) {
                capture.addAll(tcpdump.stop());
            }
            if (failed.get() != null) {
                throw failed.get();
            }
            return nanos;
        }
    }
}
