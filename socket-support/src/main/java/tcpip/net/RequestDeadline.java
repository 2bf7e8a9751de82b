package tcpip.net;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The whole-request deadline, beside the per-read and per-write ones: a request (a line, a frame,
 * a file name) and its reply must be done within {@link #limit()}, however the client spaces its
 * bytes. A read deadline alone lets a client that sends one byte a second, or reads our reply one
 * byte a second, hold a connection slot forever: every single read() or write() makes progress.
 *
 * <p>One object per connection, told what the server reads; the readers and writers consult it:
 * {@link GuardedListener} sockets and {@link ChannelDeadline} channels shorten each read to the
 * time the request has left and close a write that outlives it, and a non-blocking server checks
 * {@link #nanosLeft()} in its sweep. How requests are told apart:
 * <ul>
 *   <li>{@link #lines(Duration, int)}: a request ends with {@code '\n'}, or after {@code maxBytes}
 *       without one (a binary stream then counts as a series of requests of that size);</li>
 *   <li>{@link #explicit(Duration)}: the server calls {@link #begin()} when a request's first byte
 *       arrives (a length prefix's first byte, say) and {@link #end()} once it has answered;</li>
 *   <li>{@link #turns(Duration)}: a request is whatever the client sends until the server writes
 *       (a length-prefixed frame, a file name, a client's closing words): it begins at the first byte
 *       received and is complete once the server answered ({@link #replied()}), for protocols whose
 *       bytes can hold any value, where a newline ends nothing.</li>
 * </ul>
 * The clock starts at a request's first byte (waiting for the next request is the read
 * deadline's job) and stops when the server, having seen the request's end, next waits for input:
 * the time spent writing the reply counts. Thread-safe: a watchdog may ask while the handler reads.
 */
public final class RequestDeadline {

    private static final byte NEWLINE = '\n';

    private final long limitNanos;
    private final int maxBytes; // 0: the server marks requests itself; TURNS: requests end with our reply
    private static final int TURNS = -1;
    private long startedAt; // 0: no request open
    private boolean complete; // the request's end came: it is over once the server waits for input again
    private long bytes;

    private RequestDeadline(Duration limit, int maxBytes) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a request deadline must be positive: " + limit);
        }
        this.limitNanos = limit.toNanos();
        this.maxBytes = maxBytes;
    }

    /** Requests are lines: each ends with '\n', or after {@code maxBytes} bytes without one. */
    public static RequestDeadline lines(Duration limit, int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1");
        }
        return new RequestDeadline(limit, maxBytes);
    }

    /** Requests are whatever the server says: {@link #begin()} and {@link #end()}. */
    public static RequestDeadline explicit(Duration limit) {
        return new RequestDeadline(limit, 0);
    }

    /**
     * Requests are turns: one begins with the first byte received while none is open and is complete
     * once the server writes ({@link #replied()}); it is over when the server next waits for input.
     */
    public static RequestDeadline turns(Duration limit) {
        return new RequestDeadline(limit, TURNS);
    }

    /** How long one request and its reply may take. */
    public Duration limit() {
        return Duration.ofNanos(limitNanos);
    }

    /** A request's first byte is here: the clock starts (no effect while one is open). */
    public synchronized void begin() {
        if (startedAt == 0) {
            startedAt = Math.max(1, System.nanoTime());
            complete = false;
            bytes = 0;
        }
    }

    /** The request was answered: the clock stops until the next {@link #begin()}. */
    public synchronized void end() {
        startedAt = 0;
        complete = false;
        bytes = 0;
    }

    /** The server is about to wait for input: a request whose end it has seen is answered by now. */
    public synchronized void awaitingInput() {
        if (complete) {
            end();
        }
    }

    /** The server wrote (part of) an answer: in {@link #turns} mode the open request is complete. */
    public synchronized void replied() {
        if (maxBytes == TURNS && startedAt != 0) {
            complete = true;
        }
    }

    /** {@code n} bytes arrived into {@code b[off..off+n)} (line requests: looks for their ends). */
    public synchronized void received(byte[] b, int off, int n) {
        if (maxBytes == TURNS && n > 0) {
            begin();
        }
        for (int i = 0; i < n && maxBytes > 0; i++) {
            count(b[off + i]);
        }
    }

    /** The bytes between {@code from} and the buffer's position arrived (a read() into {@code buffer}). */
    public synchronized void received(ByteBuffer buffer, int from) {
        if (maxBytes == TURNS && buffer.position() > from) {
            begin();
        }
        for (int i = from; i < buffer.position() && maxBytes > 0; i++) {
            count(buffer.get(i));
        }
    }

    private void count(byte b) {
        if (startedAt == 0 || complete) { // the first byte of a new request
            startedAt = Math.max(1, System.nanoTime());
            complete = false;
            bytes = 0;
        }
        bytes++;
        if (b == NEWLINE || bytes >= maxBytes) {
            complete = true;
        }
    }

    /** Time the open request has left, {@code Long.MAX_VALUE} if none is open; 0 or less: it passed. */
    public synchronized long nanosLeft() {
        return startedAt == 0 ? Long.MAX_VALUE : limitNanos - (System.nanoTime() - startedAt);
    }

    /** Whether a request is open and its deadline has passed. */
    public boolean passed() {
        return nanosLeft() <= 0;
    }

    /**
     * The timeout for the next read in milliseconds: {@code readMillis} (0 = none), shortened to the
     * time the open request has left, at least 1 (0 would mean "wait forever" to SO_TIMEOUT).
     */
    public int readTimeoutMillis(int readMillis) {
        long left = nanosLeft();
        if (left == Long.MAX_VALUE) {
            return readMillis;
        }
        long leftMillis = Math.max(1, (left + 999_999) / 1_000_000);
        return (int) (readMillis == 0 ? Math.min(leftMillis, Integer.MAX_VALUE) : Math.min(leftMillis, readMillis));
    }

    /** The log line's sentence when a request outlived this deadline. */
    public String explain() {
        return Msg.get("deadline.request", String.valueOf(limit().toMillis()));
    }

    /** A request (or its reply) took longer than its deadline; a {@code SocketTimeoutException}, as a read deadline's. */
    public static final class Exceeded extends SocketTimeoutException {
        private final transient Duration limit;

        public Exceeded(RequestDeadline deadline) {
            super(deadline.explain());
            this.limit = deadline.limit();
        }

        /** The deadline that passed (the accept loop's log line names it). */
        public Duration limit() {
            return limit;
        }
    }
}
