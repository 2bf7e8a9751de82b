package tcpip.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tcpip.kernel.Endpoint;

/**
 * The accept loop every blocking server of the course shares, so each lesson's core only holds
 * what one connection does. It calls the core's own accept ({@link Acceptor}, e.g.
 * {@code EchoCore::accept}) and adds what a server facing real clients needs:
 * <ul>
 *   <li>a connection cap: over it, the connection is accepted and handed to the "busy" handler,
 *       which by default closes it at once (the client reads end-of-stream), so the accept queue
 *       keeps draining instead of filling with connections the kernel already finished;</li>
 *   <li>a read deadline (SO_TIMEOUT) and, with a {@link GuardedListener}, write and request deadlines;</li>
 *   <li>one sanitised log line per failed connection, whatever it threw (an {@code OutOfMemoryError} as
 *       well); the loop itself never stops for a client;</li>
 *   <li>accept() failures such as EMFILE (out of descriptors) back off ({@link AcceptBackoff}) and are
 *       logged once per episode, instead of spinning; nothing on that path is loaded for the first
 *       time ({@link Preload}), and a {@code LinkageError} there does not end the loop.</li>
 * </ul>
 */
public final class AcceptLoop {

    /** The safe defaults every server states in its --help. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1_000;
    /**
     * Accept-queue length for servers facing many clients: a short queue (Java's default is 50)
     * overflows in a burst, and each SYN the kernel then drops costs its client a 1 s retry.
     * The kernel caps it at net.core.somaxconn. The one default backlog of the course.
     */
    public static final int DEFAULT_BACKLOG = 1_024;
    /** {@code --read-timeout}: a client that sends nothing for this long is closed. */
    public static final Duration DEFAULT_READ_DEADLINE = Duration.ofSeconds(30);
    /** {@code --write-timeout}: a write() blocked this long (the client does not read) ends the connection. */
    public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(10);
    /** {@code --request-timeout}: one whole request (a line, a frame, a name) and its reply. */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(60);

    /** What one connection does: the lesson's core, called with the accepted socket. */
    @FunctionalInterface
    public interface Handler {
        void serve(Socket connection) throws IOException;
    }

    /**
     * How the loop takes the next connection off the listener: a lesson's core ({@code EchoCore::accept},
     * {@code HandshakeCore::accept}), so the line the narration quotes is the line the server runs.
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
    private final Executor workers;
    private final Handler handler;
    private final Handler busy;
    private final Consumer<String> log;
    private final Semaphore slots;
    private final int capacity;
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
        this(listener, acceptor, limits, startEach(threads), handler, busy, log);
    }

    /** A new thread from {@code threads} for each connection; null (serve on the accepting thread) for null. */
    private static Executor startEach(ThreadFactory threads) {
        return threads == null ? null : task -> threads.newThread(task).start();
    }

    /**
     * The loop over a lesson core's accept with connections run by {@code workers}: a pool that reuses
     * idle platform threads ({@code Executors.newCachedThreadPool(factory)}: a {@code Thread.start()} waits
     * until the new thread runs, milliseconds each on a busy machine), or {@code null} to serve one
     * connection at a time on the accepting thread.
     */
    public static AcceptLoop onExecutor(ServerSocket listener, Acceptor acceptor, Limits limits, Executor workers,
            Handler handler, Handler busy, Consumer<String> log) {
        return new AcceptLoop(listener, acceptor, limits, workers, handler, busy, log);
    }

    // The one constructor every other way ends in; private, so that a null for the threads is never ambiguous outside.
    private AcceptLoop(ServerSocket listener, Acceptor acceptor, Limits limits, Executor workers, Handler handler,
            Handler busy, Consumer<String> log) {
        this.listener = listener;
        this.acceptor = acceptor;
        this.limits = limits;
        this.workers = workers;
        this.handler = handler;
        this.busy = busy;
        this.log = log;
        this.capacity = workers == null ? 1 : limits.maxConnections();
        this.slots = new Semaphore(capacity);
        Preload.failurePaths(); // before the first accept: an EMFILE later must not load a class or a bundle
    }

    /** Accepts until the listener is closed (by another thread or a shutdown hook). */
    public void run() {
        AcceptBackoff backoff = new AcceptBackoff();
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = acceptor.accept(listener);
                backoff.succeeded();
            } catch (IOException | RuntimeException | Error e) {
                if (listener.isClosed()) {
                    return; // closed on purpose: the server is stopping
                }
                // EMFILE/ENFILE or a connection that died in the queue: wait a little, keep serving.
                if (backoff.firstOfEpisode()) {
                    say("accept.backoff", e);
                }
                LockSupport.parkNanos(backoff.failed().toNanos());
                continue;
            }
            accepted.incrementAndGet();
            if (!slots.tryAcquire()) {
                refused.incrementAndGet();
                serveSafely(s, busy == null ? Socket::close : busy, false);
                continue;
            }
            if (workers == null) {
                serveSafely(s, handler, true);
            } else {
                try {
                    workers.execute(() -> serveSafely(s, handler, true));
                } catch (RuntimeException | Error e) {
                    slots.release();
                    Closeables.closeQuietly(s);
                    say("accept.no.thread", e);
                }
            }
        }
    }

    private void serveSafely(Socket s, Handler h, boolean holdsSlot) {
        try {
            String who = describe(s);
            try {
                s.setSoTimeout(Math.toIntExact(limits.readDeadline().toMillis()));
                h.serve(s);
            } catch (Exception | Error e) {
                // Logged before the close below: once the client sees our FIN, the line is already written.
                // Error too: an OutOfMemoryError (a client's buffer did not fit the heap; the buffer is garbage
                // by now) or a LinkageError is one client's failure, one line, never a stack trace on stderr.
                failed.incrementAndGet();
                log(explain(who, s, e));
            }
        } catch (RuntimeException | Error e) {
            // even the log line failed (no descriptor for a bundle? no memory?): the connection still ends below
        } finally {
            Closeables.closeQuietly(s);
            if (holdsSlot) {
                slots.release();
            }
        }
    }

    /** One log line about the loop itself; if even that fails (out of descriptors), the loop goes on silently. */
    private void say(String key, Throwable e) {
        try {
            log(Msg.get(key, LogSafe.failure(e)));
        } catch (RuntimeException | LinkageError ignored) {
            // nothing more to do: the next episode logs again
        }
    }

    private void log(String line) {
        if (log != null) {
            log.accept(line);
        }
    }

    /** The one log line for a client that failed: {@code client 127.0.0.1:41234: <why>}. */
    private String explain(String who, Socket s, Throwable e) {
        if (e instanceof RequestDeadline.Exceeded exceeded) {
            return Msg.get("accept.client.request", who, String.valueOf(exceeded.limit().toMillis()));
        }
        if (e instanceof SocketTimeoutException) {
            return Msg.get("accept.client.timeout", who, String.valueOf(limits.readDeadline().toMillis()));
        }
        if (e instanceof SocketException && e.getMessage() != null
                && e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
            return Msg.get("accept.client.reset", who);
        }
        return Msg.get("accept.client.failed", who, LogSafe.failure(e));
    }

    private static String describe(Socket s) {
        return s.getRemoteSocketAddress() == null ? "?" : Endpoint.text(s.getRemoteSocketAddress());
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
        return capacity - slots.availablePermits();
    }
}
