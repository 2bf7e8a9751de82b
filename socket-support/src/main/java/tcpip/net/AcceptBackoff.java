package tcpip.net;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * How a server pauses after accept() failed, shared by the blocking {@link AcceptLoop} and
 * non-blocking servers: EMFILE/ENFILE (no descriptor left for the new connection) or a connection
 * that died in the queue. The pause starts at {@link #FIRST} and doubles up to {@link #MAX}, so a
 * server out of descriptors neither spins (accept() would fail again at once, the connection still
 * queued) nor waits long once descriptors come back: it serves again at most {@code MAX} after.
 * The first failure of an episode is the one to log; a success ends the episode.
 */
public final class AcceptBackoff {

    /** The first pause after a failure. */
    public static final Duration FIRST = Duration.ofMillis(10);
    /** The longest pause: how late a server may notice that descriptors are free again. */
    public static final Duration MAX = Duration.ofSeconds(1);

    private Duration next = FIRST;
    private boolean failing;

    /** accept() worked: the next failure starts a new episode with the shortest pause. */
    public void succeeded() {
        next = FIRST;
        failing = false;
    }

    /** accept() failed: the pause to take now (doubling each time, up to {@link #MAX}). */
    public Duration failed() {
        Duration pause = next;
        next = next.multipliedBy(2).compareTo(MAX) > 0 ? MAX : next.multipliedBy(2);
        failing = true;
        return pause;
    }

    /** True before the first failure of an episode has been counted: log that one, not every retry. */
    public boolean firstOfEpisode() {
        return !failing;
    }

    /**
     * One accept() for a server that writes its own loop ({@code PlainEchoServer}): the connection, or
     * null once accept() failed (out of descriptors, EMFILE), after the pause; the episode's first failure
     * is one line on {@code log}. {@code try (Socket c = backoff.accept(...)) { if (c == null) continue; ...}}
     */
    public Socket accept(AcceptLoop.Acceptor acceptor, ServerSocket listener, Consumer<String> log) {
        try {
            Socket s = acceptor.accept(listener);
            succeeded();
            return s;
        } catch (Exception | Error e) {
            if (firstOfEpisode() && !listener.isClosed()) {
                try {
                    log.accept(Msg.get("accept.backoff", LogSafe.failure(e)));
                } catch (RuntimeException | Error ignored) {
                    // out of everything: the next episode logs again
                }
            }
            LockSupport.parkNanos(failed().toNanos());
            return null;
        }
    }
}
