package tcpip.segmentation.nagle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;
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
        Lang.chooseFrom(args);
        Cli cli = new Cli("NagleClient", Msg.get("NagleClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Integer> requests = cli.intOption("--requests", 20, 1, 100_000, Msg.get("NagleClient.opt.requests"));
        Cli.Option<Boolean> nodelayOnly = cli.flag("--nodelay", Msg.get("NagleClient.opt.nodelay"));
        Cli.Option<Boolean> nagleOnly = cli.flag("--nagle", Msg.get("NagleClient.opt.nagle"));
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                Msg.get("NagleClient.opt.readTimeout"));
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
        System.out.println(Msg.get(nodelay ? "NagleClient.median.on" : "NagleClient.median.off", Narrator.human(median(nanos)),
                nanos.length));
        if (!nodelay) {
            System.out.println(Msg.get("NagleClient.why.nagle1"));
            System.out.println(Msg.get("NagleClient.why.nagle2"));
        } else {
            System.out.println(Msg.get("NagleClient.why.nodelay"));
        }
    }
}
