package tcpip.net;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A blocking SocketChannel with a read, a write and (optionally) a whole-request deadline
 * ({@link RequestDeadline}). SO_TIMEOUT only governs a Socket's streams, and nothing in the JDK
 * bounds a blocked write(): here an alarm closes the channel when one read() or write() has waited
 * longer than its deadline, or than the open request has left, and the call fails with
 * {@link SocketTimeoutException} (read, request) or an IOException that says so (write), as a
 * {@link GuardedListener} socket does for java.net.
 */
public final class ChannelDeadline implements ByteChannel {

    private static final ScheduledThreadPoolExecutor ALARMS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "channel-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        ALARMS.setRemoveOnCancelPolicy(true); // a cancelled alarm leaves the queue at once
        Preload.failurePaths();
    }

    private final SocketChannel channel;
    private final Duration readDeadline;
    private final Duration writeDeadline;
    private final RequestDeadline request;

    public ChannelDeadline(SocketChannel channel, Duration readDeadline, Duration writeDeadline) {
        this(channel, readDeadline, writeDeadline, null);
    }

    /** With a request deadline too ({@code null}: none): each read and write waits at most what the request has left. */
    public ChannelDeadline(SocketChannel channel, Duration readDeadline, Duration writeDeadline,
            RequestDeadline request) {
        this.channel = channel;
        this.readDeadline = readDeadline;
        this.writeDeadline = writeDeadline;
        this.request = request;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        if (request != null) {
            request.awaitingInput();
        }
        long limit = limitNanos(readDeadline);
        Alarm alarm = arm(limit);
        int from = into.position();
        try {
            int n = channel.read(into);
            if (request != null) {
                request.received(into, from);
            }
            return n;
        } catch (AsynchronousCloseException e) {
            if (alarm.fired()) {
                throw request != null && request.passed() ? new RequestDeadline.Exceeded(request)
                        : new SocketTimeoutException(Msg.get("deadline.read", String.valueOf(readDeadline.toMillis())));
            }
            throw e;
        } finally {
            alarm.cancel();
        }
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        Alarm alarm = arm(limitNanos(writeDeadline));
        try {
            int n = channel.write(from);
            if (request != null) {
                request.replied();
            }
            return n;
        } catch (AsynchronousCloseException e) {
            if (alarm.fired()) {
                throw request != null && request.passed() ? new RequestDeadline.Exceeded(request)
                        : new IOException(Msg.get("deadline.write", String.valueOf(writeDeadline.toMillis())));
            }
            throw e;
        } finally {
            alarm.cancel();
        }
    }

    /** The call's own deadline, or what the open request has left if that is shorter; fails at once if it passed. */
    private long limitNanos(Duration own) throws IOException {
        long left = request == null ? Long.MAX_VALUE : request.nanosLeft();
        if (left <= 0) {
            throw new RequestDeadline.Exceeded(request);
        }
        return Math.min(own.toNanos(), left);
    }

    /** Runs {@code alarm} after {@code nanos} on the deadlines' one daemon thread (shared with {@link ExchangeDeadline}). */
    static ScheduledFuture<?> schedule(Runnable alarm, long nanos) {
        return ALARMS.schedule(alarm, nanos, TimeUnit.NANOSECONDS);
    }

    private Alarm arm(long nanos) {
        Alarm alarm = new Alarm();
        alarm.future = ALARMS.schedule(() -> {
            alarm.fired = true; // before the close: the call that fails on the close then sees why
            Closeables.closeQuietly(channel);
        }, nanos, TimeUnit.NANOSECONDS);
        return alarm;
    }

    /**
     * One armed deadline. Whether it fired is its own flag, set before it closes the channel: the
     * future's "done" is set only after the close, so a call failing on that close could still see it
     * not done and report a plain AsynchronousCloseException instead of the deadline (seen under load).
     */
    private static final class Alarm {
        private volatile boolean fired;
        private ScheduledFuture<?> future;

        boolean fired() {
            return fired;
        }

        void cancel() {
            future.cancel(false);
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
