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
 * A blocking SocketChannel with a read and a write deadline. SO_TIMEOUT only governs a Socket's
 * streams, and nothing in the JDK bounds a blocked write(): here an alarm closes the channel when
 * one read() or write() has waited longer than its deadline, and the call fails with
 * {@link SocketTimeoutException} (read) or an IOException that says so (write), as a
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
    }

    private final SocketChannel channel;
    private final Duration readDeadline;
    private final Duration writeDeadline;

    public ChannelDeadline(SocketChannel channel, Duration readDeadline, Duration writeDeadline) {
        this.channel = channel;
        this.readDeadline = readDeadline;
        this.writeDeadline = writeDeadline;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        ScheduledFuture<?> alarm = arm(readDeadline);
        try {
            return channel.read(into);
        } catch (AsynchronousCloseException e) {
            if (fired(alarm)) {
                throw new SocketTimeoutException(LogText.get("deadline.read", String.valueOf(readDeadline.toMillis())));
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    @Override
    public int write(ByteBuffer from) throws IOException {
        ScheduledFuture<?> alarm = arm(writeDeadline);
        try {
            return channel.write(from);
        } catch (AsynchronousCloseException e) {
            if (fired(alarm)) {
                throw new IOException(LogText.get("deadline.write", String.valueOf(writeDeadline.toMillis())));
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private ScheduledFuture<?> arm(Duration deadline) {
        return ALARMS.schedule(() -> Closeables.closeQuietly(channel), deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static boolean fired(ScheduledFuture<?> alarm) {
        return alarm.isDone() && !alarm.isCancelled();
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
