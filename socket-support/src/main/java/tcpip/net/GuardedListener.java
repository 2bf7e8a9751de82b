package tcpip.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A listening socket whose accepted connections carry a write deadline and, if asked, a
 * whole-request deadline ({@link RequestDeadline}). A write that stays blocked longer than the write
 * deadline (the peer does not read, its window is zero, our send buffer is full), or still runs when
 * the request's deadline passes, gets its socket closed by a watchdog thread, so the blocked write()
 * fails instead of holding a thread and a connection slot forever; each read waits at most the time
 * the open request has left. Java's sockets have a read timeout (SO_TIMEOUT) but no write timeout
 * and no request timeout; this adds both.
 *
 * <p>A lesson's core makes the listening socket listen and takes connections off it with its own
 * calls: {@code EchoCore.listen(new GuardedListener(write, requests), at, backlog)} binds it, and the
 * core's {@code listener.accept()} returns the guarded socket (the JDK's {@code implAccept} hook).
 * A lesson may extend it to do more around {@code accept()} (chapter02's HandshakeServer reads the
 * kernel's rows first); its {@code super.accept()} still returns a guarded socket.
 */
public class GuardedListener extends ServerSocket {

    private static final long MIN_TICK = Duration.ofMillis(5).toNanos();
    private static final long MAX_TICK = Duration.ofSeconds(1).toNanos();

    private final Duration writeDeadline;
    private final Supplier<RequestDeadline> requests;
    private final Set<DeadlineSocket> open = ConcurrentHashMap.newKeySet();
    private final Thread watchdog;

    /** Binds {@code address:port} (port 0: the kernel picks one) with the given backlog. */
    public GuardedListener(InetAddress address, int port, int backlog, Duration writeDeadline) throws IOException {
        this(writeDeadline);
        // bind() + listen(backlog): from here the kernel completes handshakes on its own.
        bind(new InetSocketAddress(address, port), backlog);
    }

    /**
     * Not bound yet: set options that must precede listen() (SO_REUSEADDR, SO_RCVBUF, which the
     * SYN+ACK's window scale comes from), then bind it (a core's listen does).
     */
    public GuardedListener(Duration writeDeadline) throws IOException {
        this(writeDeadline, null);
    }

    /**
     * Not bound yet; every accepted connection also gets its own request deadline from
     * {@code requests} (e.g. {@code () -> RequestDeadline.lines(limit, 8192)}), or none if null.
     */
    public GuardedListener(Duration writeDeadline, Supplier<RequestDeadline> requests) throws IOException {
        super();
        this.writeDeadline = writeDeadline;
        this.requests = requests;
        long tick = Math.min(MAX_TICK, Math.max(MIN_TICK, writeDeadline.toNanos() / 4));
        long requestTick = requests == null ? tick : Math.max(MIN_TICK, requests.get().limit().toNanos() / 4);
        long every = Math.min(tick, requestTick);
        Preload.failurePaths(); // the watchdog and the sockets' failure paths load nothing new later
        watchdog = Thread.ofPlatform().daemon().name("write-deadline").start(() -> watch(every));
    }

    private void watch(long tickNanos) {
        while (!isClosed()) {
            long now = System.nanoTime();
            for (DeadlineSocket s : open) {
                long started = s.writeStarted;
                if (started == 0) {
                    continue;
                }
                boolean write = now - started > writeDeadline.toNanos();
                boolean request = s.request != null && s.request.passed();
                if (write || request) {
                    s.writeDeadlinePassed = write;
                    s.requestDeadlinePassed = request && !write;
                    try {
                        s.setSoLinger(true, 0); // RST: drop what is queued, the peer learns at once
                    } catch (IOException | RuntimeException ignored) {
                        // already closed
                    }
                    Closeables.closeQuietly(s); // the blocked write() now fails with SocketException
                }
            }
            LockSupport.parkNanos(tickNanos);
        }
    }

    @Override
    public Socket accept() throws IOException {
        DeadlineSocket s = new DeadlineSocket(this, requests == null ? null : requests.get());
        // accept(): takes one finished connection off the kernel's accept queue.
        implAccept(s);
        open.add(s);
        return s;
    }

    /** Connections accepted and not yet closed. */
    public int openConnections() {
        return open.size();
    }

    @Override
    public void close() throws IOException {
        super.close();
        watchdog.interrupt();
    }

    /** Whether this socket was closed because a write outlived the deadline. */
    public static boolean writeDeadlinePassed(Socket s) {
        return s instanceof DeadlineSocket d && d.writeDeadlinePassed;
    }

    /** The request deadline of a socket this listener accepted, or null (none, or another socket). */
    public static RequestDeadline requestDeadline(Socket s) {
        return s instanceof DeadlineSocket d ? d.request : null;
    }

    /** An accepted socket whose streams tell the watchdog when a write starts and ends, and keep the request's time. */
    static final class DeadlineSocket extends Socket {
        private final GuardedListener owner;
        final RequestDeadline request;
        volatile long writeStarted;
        volatile boolean writeDeadlinePassed;
        volatile boolean requestDeadlinePassed;
        private volatile int readTimeoutMillis;
        private OutputStream out;
        private InputStream in;

        DeadlineSocket(GuardedListener owner, RequestDeadline request) {
            this.owner = owner;
            this.request = request;
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            readTimeoutMillis = timeout; // the read deadline; each read may be shortened by the request's
            super.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() {
            return readTimeoutMillis;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                InputStream raw = super.getInputStream();
                in = request == null ? raw : new InputStream() {
                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        request.awaitingInput();
                        if (request.passed()) {
                            throw new RequestDeadline.Exceeded(request);
                        }
                        DeadlineSocket.super.setSoTimeout(request.readTimeoutMillis(readTimeoutMillis));
                        int n;
                        try {
                            n = raw.read(b, off, len);
                        } catch (SocketTimeoutException e) {
                            throw request.passed() ? new RequestDeadline.Exceeded(request) : e;
                        }
                        request.received(b, off, Math.max(n, 0));
                        return n;
                    }

                    @Override
                    public int available() throws IOException {
                        return raw.available();
                    }

                    @Override
                    public void close() throws IOException {
                        DeadlineSocket.this.close();
                    }
                };
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                OutputStream raw = super.getOutputStream();
                out = new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (request != null && request.passed()) {
                            throw new RequestDeadline.Exceeded(request);
                        }
                        writeStarted = Math.max(1, System.nanoTime());
                        try {
                            raw.write(b, off, len);
                            if (request != null) {
                                request.replied();
                            }
                        } catch (IOException e) {
                            if (writeDeadlinePassed) {
                                throw new WriteDeadlineException(owner.writeDeadline, e);
                            }
                            if (requestDeadlinePassed) {
                                throw new RequestDeadline.Exceeded(request);
                            }
                            throw e;
                        } finally {
                            writeStarted = 0;
                        }
                    }

                    @Override
                    public void flush() throws IOException {
                        raw.flush();
                    }

                    @Override
                    public void close() throws IOException {
                        DeadlineSocket.this.close();
                    }
                };
            }
            return out;
        }

        @Override
        public synchronized void close() throws IOException {
            owner.open.remove(this);
            super.close();
        }
    }

    /** A write that stayed blocked longer than the deadline: the peer stopped reading. */
    public static final class WriteDeadlineException extends IOException {
        WriteDeadlineException(Duration deadline, IOException cause) {
            super(Msg.get("deadline.write", String.valueOf(deadline.toMillis())), cause);
        }
    }
}
