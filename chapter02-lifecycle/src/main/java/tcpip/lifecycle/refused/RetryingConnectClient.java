package tcpip.lifecycle.refused;


import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;

/**
 * Start it before its server: it retries connect() with a doubling pause until the server
 * listens, or exits 1 with one line once the total deadline passed (article: 소켓 연결 설정).
 * Core: {@link RetryCore}.
 */
public final class RetryingConnectClient {

    private static final int DEFAULT_PORT = 7102;
    /** Where RetryCore's message names the last attempt's failure. */
    private static final String LAST_FAILURE = "; last: ";

    private RetryingConnectClient() {
    }

    /**
     * RetryCore gives up with an English message (its lines are the lesson's code, shown as they are):
     * the same facts in the learner's language. It throws once the attempt that failed last was not
     * followed by a pause, so that attempt is the one after the last reported failure.
     */
    private static SocketTimeoutException gaveUp(SocketTimeoutException e, int attempts, Duration deadline) {
        String message = String.valueOf(e.getMessage());
        int last = message.indexOf(LAST_FAILURE);
        String lastFailure = last < 0 ? message : message.substring(last + LAST_FAILURE.length());
        SocketTimeoutException translated = new SocketTimeoutException(Msg.get("RetryingConnectClient.gaveUp", attempts,
                deadline.toMillis(), lastFailure));
        translated.initCause(e);
        return translated;
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("RetryingConnectClient", Msg.get("RetryingConnectClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Duration> deadline = cli.durationOption("--deadline", Duration.ofSeconds(30),
                Msg.get("RetryingConnectClient.opt.deadline"));
        Cli.Option<Duration> attemptTimeout = cli.durationOption("--attempt-timeout", Duration.ofSeconds(2),
                Msg.get("RetryingConnectClient.opt.attemptTimeout"));
        Cli.Option<Duration> firstPause = cli.durationOption("--first-pause", Duration.ofMillis(100),
                Msg.get("RetryingConnectClient.opt.firstPause"));
        Cli.Option<Duration> maxPause = cli.durationOption("--max-pause", Duration.ofSeconds(2),
                Msg.get("RetryingConnectClient.opt.maxPause"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=RetryingConnectClient -Dargs=\"--port 7104\"");
        cli.parse(args);
        Narrator n = Narrator.stdout();
        cli.run(() -> {
            InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
            long start = System.nanoTime();
            AtomicInteger failures = new AtomicInteger();
            try (Socket socket = RetryCore.connect(server, deadline.get(), attemptTimeout.get(), firstPause.get(),
                    maxPause.get(), (attempt, why, pause) -> {
                        failures.incrementAndGet();
                        n.result(Msg.get("RetryingConnectClient.attempt", attempt, Cli.describe(why), Narrator.human(pause)));
                    })) {
                n.result(Msg.get("RetryingConnectClient.connected", Narrator.human(Duration.ofNanos(System.nanoTime() - start)),
                        socket.getLocalPort()));
                n.note(Msg.get("RetryingConnectClient.closing"));
            } catch (SocketTimeoutException e) {
                throw gaveUp(e, failures.get() + 1, deadline.get());
            }
        });
    }
}
