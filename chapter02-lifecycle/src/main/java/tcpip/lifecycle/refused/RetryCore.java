package tcpip.lifecycle.refused;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** 소켓 연결 설정 when the server is not up yet: retry connect() with a doubling pause, under a deadline. */
public final class RetryCore {

    private RetryCore() {
    }

    /** Told about every failed attempt, before the pause that follows it. */
    @FunctionalInterface
    public interface RetryListener {
        void failed(int attempt, IOException why, Duration pause);
    }

    /** Connects, retrying refused and timed-out attempts; SocketTimeoutException once the deadline passed. */
    public static Socket connect(InetSocketAddress server, Duration deadline, Duration attemptTimeout,
            Duration firstPause, Duration maxPause, RetryListener listener) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        Duration pause = firstPause;
        // [retry]
        for (int attempt = 1; ; attempt++) {
            long leftMillis = Math.max(1, Duration.ofNanos(end - System.nanoTime()).toMillis());
            Socket socket = new Socket();
            try {
                // SYN out. RST back (nobody listens yet): ConnectException at once.
                // Silence (SYN dropped): SocketTimeoutException when this attempt's time is up.
                socket.connect(server, (int) Math.min(attemptTimeout.toMillis(), leftMillis));
                return socket;
            } catch (ConnectException | SocketTimeoutException e) {
                socket.close();
                if (Duration.ofNanos(end - System.nanoTime()).compareTo(pause) <= 0) {
                    throw new SocketTimeoutException("gave up after " + attempt + " attempt(s) within the "
                            + deadline.toMillis() + " ms deadline; last: " + e.getMessage());
                }
                listener.failed(attempt, e, pause);
                Thread.sleep(pause); // the backoff itself: do not hammer a server that is not up
                pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
            }
        }
        // [/retry]
    }
}
