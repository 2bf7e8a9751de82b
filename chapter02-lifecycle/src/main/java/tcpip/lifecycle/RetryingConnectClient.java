package tcpip.lifecycle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;

/**
 * Start it before its server: it retries connect() with a growing pause between attempts until the
 * server listens or a total deadline passes (article: 소켓 연결 설정).
 */
public final class RetryingConnectClient {

    private static final int DEFAULT_PORT = 7102;

    /** Told about every failed attempt, before the pause that follows it. */
    @FunctionalInterface
    public interface RetryListener {
        void failed(int attempt, IOException why, Duration pause);
    }

    private RetryingConnectClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("RetryingConnectClient",
                "Retries connect() with backoff until the server comes up or the deadline passes.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Duration> deadline = cli.durationOption("--deadline", Duration.ofSeconds(30),
                "give up when this much time has passed since the first attempt");
        Cli.Option<Duration> attemptTimeout = cli.durationOption("--attempt-timeout", Duration.ofSeconds(2),
                "connect timeout of one attempt (never longer than the time left)");
        Cli.Option<Duration> firstPause = cli.durationOption("--first-pause", Duration.ofMillis(100),
                "pause after the first failure; each later pause doubles");
        Cli.Option<Duration> maxPause = cli.durationOption("--max-pause", Duration.ofSeconds(2),
                "longest pause between attempts");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=RetryingConnectClient -Dargs=\"--port 7104\"");
        cli.parse(args);
        Narrator n = Narrator.stdout();
        cli.run(() -> {
            InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
            long start = System.nanoTime();
            try (Socket socket = connect(server, deadline.get(), attemptTimeout.get(), firstPause.get(),
                    maxPause.get(), (attempt, why, pause) -> n.result("attempt " + attempt + ": "
                            + Cli.describe(why) + "; next try in " + Narrator.human(pause)))) {
                n.result("connected after " + Narrator.human(Duration.ofNanos(System.nanoTime() - start))
                        + " from local port " + socket.getLocalPort());
                n.note("the server's kernel finished the handshake as soon as it listened; closing now");
            }
        });
    }

    /**
     * Connects, retrying refused and timed-out attempts with doubling pauses, and throws
     * SocketTimeoutException once {@code deadline} has passed since the call.
     */
    public static Socket connect(InetSocketAddress server, Duration deadline, Duration attemptTimeout,
            Duration firstPause, Duration maxPause, RetryListener listener) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        Duration pause = firstPause;
        for (int attempt = 1; ; attempt++) {
            long leftMillis = Duration.ofNanos(end - System.nanoTime()).toMillis();
            Socket socket = new Socket();
            try {
                // connect(): SYN goes out. RST back = ConnectException at once; silence = timeout.
                socket.connect(server, (int) Math.max(1, Math.min(attemptTimeout.toMillis(), leftMillis)));
                return socket;
            } catch (ConnectException | SocketTimeoutException e) {
                socket.close();
                Duration left = Duration.ofNanos(end - System.nanoTime());
                if (left.compareTo(pause) <= 0) {
                    throw new SocketTimeoutException("gave up after " + attempt + " attempt(s) in "
                            + Narrator.human(deadline) + "; last: " + Cli.describe(e));
                }
                listener.failed(attempt, e, pause);
                // The pause is the backoff itself: do not hammer a server that is not up yet.
                Thread.sleep(pause);
                pause = min(pause.multipliedBy(2), maxPause);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
