package tcpip.net;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * A client's whole-exchange deadline: when {@code limit} passes before {@link #close()}, an alarm
 * closes the socket, so whatever the client waits in (a write() to a peer that never reads, a read()
 * of a reply that trickles or never ends) fails at once. SO_TIMEOUT bounds one silent read only;
 * this bounds the exchange. {@link #explain} turns that failure into one sentence that says so.
 * The alarm runs on {@link ChannelDeadline}'s thread, as the servers' deadlines do.
 * <pre>{@code
 * try (Socket s = new Socket(); ExchangeDeadline d = ExchangeDeadline.arm(s, limit)) {
 *     try { ... } catch (IOException e) { throw d.explain(e); }
 * }
 * }</pre>
 */
public final class ExchangeDeadline implements AutoCloseable {

    static {
        Preload.failurePaths(); // the alarm and the failure path load nothing new when they fire
    }

    private final Duration limit;
    private volatile boolean passed;
    private final ScheduledFuture<?> alarm;

    private ExchangeDeadline(Closeable socket, Duration limit) {
        this.limit = limit;
        this.alarm = ChannelDeadline.schedule(() -> {
            passed = true; // before the close: the call that fails on it then sees why
            Closeables.closeQuietly(socket);
        }, limit.toNanos());
    }

    /** Closes {@code socket} (a Socket or a channel) when {@code limit} passes, unless this is closed first. */
    public static ExchangeDeadline arm(Closeable socket, Duration limit) {
        return new ExchangeDeadline(socket, limit);
    }

    /** Whether the limit passed and the socket was closed for it. */
    public boolean passed() {
        return passed;
    }

    /** {@code e}, or if the deadline closed the socket, a SocketTimeoutException saying so in one sentence. */
    public IOException explain(IOException e) {
        if (!passed) {
            return e;
        }
        SocketTimeoutException t = new SocketTimeoutException(Msg.get("deadline.exchange", String.valueOf(limit.toMillis())));
        t.initCause(e);
        return t;
    }

    /** Fails as {@link #explain} says if the deadline passed (e.g. after a loop that ended on the closed socket). */
    public void check() throws IOException {
        if (passed) {
            throw explain(new SocketTimeoutException());
        }
    }

    /** Disarms the alarm (the socket stays open). */
    @Override
    public void close() {
        alarm.cancel(false);
    }
}
