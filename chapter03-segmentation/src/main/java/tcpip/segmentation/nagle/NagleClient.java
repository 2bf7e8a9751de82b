package tcpip.segmentation.nagle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.segmentation.ServerOptions;

/**
 * Sends requests as two small write() calls (header, then body) and waits for each response
 * ({@link NagleCore}): with Nagle on, the body waits for the header's ACK, which the server's
 * kernel delays; with TCP_NODELAY the body leaves at once.
 */
public final class NagleClient {

    private NagleClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("NagleClient", "Times write-write-read requests with and without TCP_NODELAY.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Integer> requests = cli.intOption("--requests", 20, 1, 100_000, "requests per setting");
        Cli.Option<Boolean> nodelayOnly = cli.flag("--nodelay", "only measure with TCP_NODELAY on");
        Cli.Option<Boolean> nagleOnly = cli.flag("--nagle", "only measure with Nagle on (TCP_NODELAY off)");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                "give up if a response does not arrive in this time");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=NagleClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
            if (!nodelayOnly.get()) {
                report(false, time(server, false, requests.get(), timeout.get()));
            }
            if (!nagleOnly.get()) {
                report(true, time(server, true, requests.get(), timeout.get()));
            }
        });
    }

    /** Runs {@code requests} write-write-read requests on a new connection; returns each one's time. */
    public static long[] time(InetSocketAddress server, boolean nodelay, int requests, Duration timeout)
            throws IOException {
        try (Socket socket = NagleCore.connect(server, nodelay)) {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            long[] nanos = new long[requests];
            for (int i = 0; i < requests; i++) {
                nanos[i] = NagleCore.request(socket);
            }
            return nanos;
        }
    }

    /** The median of the times. */
    public static Duration median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return Duration.ofNanos(sorted[sorted.length / 2]);
    }

    private static void report(boolean nodelay, long[] nanos) {
        System.out.printf("TCP_NODELAY %-3s: median %s per request over %d requests%n", nodelay ? "on" : "off",
                Narrator.human(median(nanos)), nanos.length);
        if (!nodelay) {
            System.out.println("  why: the body waits for the header's ACK (Nagle), and the server's kernel");
            System.out.println("  delays that ACK (delayed ACK, 40 ms minimum on Linux) hoping to send it with data");
        } else {
            System.out.println("  why: with TCP_NODELAY the body leaves at once; the request is complete immediately");
        }
    }
}
