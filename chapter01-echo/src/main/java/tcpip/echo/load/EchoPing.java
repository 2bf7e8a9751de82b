package tcpip.echo.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import tcpip.echo.Msg;
import tcpip.echo.blocking.EchoClient;
import tcpip.kernel.Endpoint;
import tcpip.narration.Narrator;

/** EchoClient's ping mode: N round trips of one fixed-size message on one connection, timed one by one. */
public final class EchoPing {

    public static final int DEFAULT_WARMUP = 2_000;

    private EchoPing() {
    }

    /** Round-trip times in nanoseconds, sorted, plus the summary a learner reads. */
    public record Result(long[] sortedNanos, int size) {
        public long percentile(double p) {
            int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
            return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))];
        }

        public String summary() {
            return Msg.get("EchoPing.summary", String.valueOf(sortedNanos.length), String.valueOf(size),
                    show(sortedNanos[0]), show(percentile(50)), show(percentile(99)),
                    show(sortedNanos[sortedNanos.length - 1]));
        }

        /** Below 1 ms in microseconds with one decimal: a loopback round trip is a few microseconds. */
        private static String show(long nanos) {
            return nanos < 1_000_000 ? String.format(Locale.ROOT, "%.1f us", nanos / 1e3) : Narrator.human(Duration.ofNanos(nanos));
        }
    }

    public static Result run(InetSocketAddress server, int count, int warmup, int size, Duration timeout) throws IOException {
        try (Socket socket = EchoClient.connect(server, timeout)) {
            System.out.println(Msg.get("EchoPing.start", Endpoint.text(socket.getRemoteSocketAddress()),
                    Endpoint.text(socket.getLocalSocketAddress()), String.valueOf(warmup), String.valueOf(count)));
            Result r = measure(socket, count, warmup, size);
            System.out.println(r.summary());
            System.out.println(Msg.get("EchoPing.explain"));
            return r;
        }
    }

    /** Times {@code count} round trips after {@code warmup} untimed ones; every echo is checked. */
    public static Result measure(Socket socket, int count, int warmup, int size) throws IOException {
        byte[] message = new byte[size];
        new Random(size).nextBytes(message);
        for (int i = 0; i < warmup; i++) {
            check(EchoClient.roundTrip(socket, message), message);
        }
        long[] nanos = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            byte[] echo = EchoClient.roundTrip(socket, message);
            nanos[i] = System.nanoTime() - start;
            check(echo, message);
        }
        Arrays.sort(nanos);
        return new Result(nanos, size);
    }

    private static void check(byte[] echo, byte[] message) throws IOException {
        if (!Arrays.equals(echo, message)) {
            throw new IOException(Msg.get("EchoPing.differs"));
        }
    }
}
