package tcpip.echo;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A read deadline for a blocking SocketChannel. SO_TIMEOUT (setSoTimeout) only applies to a
 * Socket's streams: a blocking channel's read() ignores it and would wait forever, so an alarm
 * closes the channel if the read has not returned in time.
 */
final class ReadDeadline {

    private static final ScheduledThreadPoolExecutor ALARMS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "read-deadline");
        t.setDaemon(true);
        return t;
    });

    static {
        ALARMS.setRemoveOnCancelPolicy(true); // cancelled alarms leave the queue at once
    }

    private ReadDeadline() {
    }

    /**
     * {@code channel.read(buffer)}, but if nothing arrives within {@code limit} the channel is
     * closed and a SocketTimeoutException thrown.
     */
    static int read(SocketChannel channel, ByteBuffer buffer, Duration limit) throws IOException {
        ScheduledFuture<?> alarm = ALARMS.schedule(() -> closeQuietly(channel), limit.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return channel.read(buffer);
        } catch (AsynchronousCloseException e) {
            if (alarm.isDone() && !alarm.isCancelled()) {
                throw new SocketTimeoutException("nothing received for " + limit.toMillis() + " ms");
            }
            throw e;
        } finally {
            alarm.cancel(false);
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
