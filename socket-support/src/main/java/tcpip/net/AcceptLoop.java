package tcpip.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The accept loop every blocking server of the course shares, so each lesson's core only holds
 * what one connection does. It adds what a server facing real clients needs:
 * <ul>
 *   <li>a connection cap: over it, the connection is accepted and handed to the "busy" handler,
 *       which by default closes it at once (the client reads end-of-stream), so the accept queue
 *       keeps draining instead of filling with connections the kernel already finished;</li>
 *   <li>a read deadline (SO_TIMEOUT) and, with a {@link GuardedListener}, a write deadline;</li>
 *   <li>one sanitised log line per failed connection; the loop itself never stops for a client;</li>
 *   <li>accept() failures such as EMFILE (out of descriptors) back off and are logged once per
 *       episode, instead of spinning.</li>
 * </ul>
 */
public final class AcceptLoop {

    /** The safe defaults every server states in its --help. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    /**
     * Accept-queue length for servers facing many clients: a short queue (Java's default is 50)
     * overflows in a burst, and each SYN the kernel then drops costs its client a 1 s retry.
     * The kernel caps it at net.core.somaxconn.
     */
    public static final int DEFAULT_BACKLOG = 1_024;
    public static final Duration DEFAULT_READ_DEADLINE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(10);

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    /** What one connection does: the lesson's core, called with the accepted socket. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket connection) throws IOException;
    }

    /**
     * How the loop takes the next connection off the listener: a lesson's core
     * ({@code HandshakeCore::accept}), so the line the narration quotes is the line the server runs.
     */
    @FunctionalInterface
    public interface Acceptor {
        Socket accept(ServerSocket listener) throws IOException;
    }

    /** Caps and deadlines. */
    public record Limits(int maxConnections, Duration readDeadline) {
        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be at least 1");
            }
        }

        public static Limits defaults() {
            return new Limits(DEFAULT_MAX_CONNECTIONS, DEFAULT_READ_DEADLINE);
        }
    }

    private final ServerSocket listener;
    private final Acceptor acceptor;
    private final Limits limits;
    private final ThreadFactory threads;
    private final Handler handler;
    private final Handler busy;
    private final Consumer<String> log;
    private final Semaphore slots;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /**
     * @param threads where each connection runs ({@code Thread.ofVirtual().factory()},
     *                {@code Thread.ofPlatform().factory()}), or {@code null} to serve one
     *                connection at a time on the accepting thread (an iterative server)
     * @param busy    what to do with a connection over the cap ({@code null}: close it at once)
     * @param log     where the one-line reports go (already sanitised)
     */
    public AcceptLoop(ServerSocket listener, Limits limits, ThreadFactory threads, Handler handler, Handler busy,
            Consumer<String> log) {
        this(listener, ServerSocket::accept, limits, threads, handler, busy, log);
    }

    /** The same, taking each connection through {@code acceptor} (the lesson core's accept) instead of {@code accept()}. */
    public AcceptLoop(ServerSocket listener, Acceptor acceptor, Limits limits, ThreadFactory threads, Handler handler,
            Handler busy, Consumer<String> log) {
        this.listener = listener;
        this.acceptor = acceptor;
        this.limits = limits;
        this.threads = threads;
        this.handler = handler;
        this.busy = busy;
        this.log = log;
        this.slots = new Semaphore(threads == null ? 1 : limits.maxConnections());
    }

    /** Accepts until the listener is closed (by another thread or a shutdown hook). */
    public void run() {
        Duration backoff = FIRST_BACKOFF;
        boolean reported = false;
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = acceptor.accept(listener);
                backoff = FIRST_BACKOFF;
                reported = false;
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return; // closed on purpose: the server is stopping
                }
                // EMFILE/ENFILE or a connection that died in the queue: wait a little, keep serving.
                if (!reported) {
                    log.accept(LogText.get("accept.backoff", LogSafe.failure(e)));
                    reported = true;
                }
                LockSupport.parkNanos(backoff.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            accepted.incrementAndGet();
            if (!slots.tryAcquire()) {
                refused.incrementAndGet();
                serveSafely(s, busy == null ? Socket::close : busy, false);
                continue;
            }
            if (threads == null) {
                serveSafely(s, handler, true);
            } else {
                try {
                    threads.newThread(() -> serveSafely(s, handler, true)).start();
                } catch (RuntimeException | OutOfMemoryError e) {
                    slots.release();
                    Closeables.closeQuietly(s);
                    log.accept(LogText.get("accept.no.thread", LogSafe.failure(e)));
                }
            }
        }
    }

    private void serveSafely(Socket s, Handler h, boolean holdsSlot) {
        String who = describe(s);
        try {
            s.setSoTimeout(Math.toIntExact(limits.readDeadline().toMillis()));
            h.serve(s);
        } catch (Exception e) {
            // Logged before the close below: once the client sees our FIN, the line is already written.
            failed.incrementAndGet();
            log.accept(explain(who, e));
        } finally {
            Closeables.closeQuietly(s);
            if (holdsSlot) {
                slots.release();
            }
        }
    }

    /** The one log line for a client that failed: {@code client 127.0.0.1:41234: <why>}. */
    private String explain(String who, Exception e) {
        if (e instanceof java.net.SocketTimeoutException) {
            return LogText.get("accept.client.timeout", who, String.valueOf(limits.readDeadline().toMillis()));
        }
        if (e instanceof SocketException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
            return LogText.get("accept.client.reset", who);
        }
        return LogText.get("accept.client.failed", who, LogSafe.failure(e));
    }

    private static String describe(Socket s) {
        return s.getInetAddress() == null ? "?" : s.getInetAddress().getHostAddress() + ":" + s.getPort();
    }

    /** Connections accepted so far, including refused ones. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections turned away because the cap was reached. */
    public long refused() {
        return refused.get();
    }

    /** Connections whose handler failed (reset, deadline, bad input). */
    public long failed() {
        return failed.get();
    }

    /** Connections being served now. */
    public int active() {
        return (threads == null ? 1 : limits.maxConnections()) - slots.availablePermits();
    }
}
