package tcpip.lifecycle;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;

/**
 * Start it before its server: it retries connect() with a doubling pause until the server
 * listens, or exits 1 with one line once the total deadline passed (article: 소켓 연결 설정).
 * Core: {@link RetryCore}.
 */
public final class RetryingConnectClient {

    private static final int DEFAULT_PORT = 7102;

    private RetryingConnectClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("RetryingConnectClient",
                "Retries connect() with backoff until the server comes up; exits 1 once the deadline passed.");
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
            try (Socket socket = RetryCore.connect(server, deadline.get(), attemptTimeout.get(), firstPause.get(),
                    maxPause.get(), (attempt, why, pause) -> n.result("attempt " + attempt + ": "
                            + Cli.describe(why) + "; next try in " + Narrator.human(pause)))) {
                n.result("connected after " + Narrator.human(Duration.ofNanos(System.nanoTime() - start))
                        + " from local port " + socket.getLocalPort());
                n.note("the server's kernel finished the handshake as soon as it listened; closing now");
            }
        });
    }
}
