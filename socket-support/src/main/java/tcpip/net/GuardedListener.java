package tcpip.net;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A listening socket whose accepted connections carry a write deadline: a write that stays blocked
 * longer than the deadline (the peer does not read, its window is zero, our send buffer is full)
 * gets its socket closed by a watchdog thread, so the blocked write() fails instead of holding a
 * thread and a connection slot forever. Java's sockets have a read timeout (SO_TIMEOUT) but no
 * write timeout; this is the write half.
 */
public final class GuardedListener extends ServerSocket {

    private final Duration writeDeadline;
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
     * SYN+ACK's window scale comes from), then call {@code bind(address, backlog)}.
     */
    public GuardedListener(Duration writeDeadline) throws IOException {
        super();
        this.writeDeadline = writeDeadline;
        long tick = Math.max(Duration.ofMillis(5).toNanos(), writeDeadline.toNanos() / 4);
        watchdog = Thread.ofPlatform().daemon().name("write-deadline-" + getLocalPort()).start(() -> {
            while (!isClosed()) {
                long now = System.nanoTime();
                for (DeadlineSocket s : open) {
                    long started = s.writeStarted;
                    if (started != 0 && now - started > this.writeDeadline.toNanos()) {
                        s.writeDeadlinePassed = true;
                        try {
                            s.setSoLinger(true, 0); // RST: drop what is queued, the peer learns at once
                        } catch (IOException ignored) {
                            // already closed
                        }
                        Closeables.closeQuietly(s); // the blocked write() now fails with SocketException
                    }
                }
                LockSupport.parkNanos(tick);
            }
        });
    }

    @Override
    public Socket accept() throws IOException {
        DeadlineSocket s = new DeadlineSocket(this);
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

    /** An accepted socket whose output stream tells the watchdog when a write starts and ends. */
    static final class DeadlineSocket extends Socket {
        private final GuardedListener owner;
        volatile long writeStarted;
        volatile boolean writeDeadlinePassed;
        private OutputStream out;

        DeadlineSocket(GuardedListener owner) {
            this.owner = owner;
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
                        writeStarted = Math.max(1, System.nanoTime());
                        try {
                            raw.write(b, off, len);
                        } catch (IOException e) {
                            if (writeDeadlinePassed) {
                                throw new WriteDeadlineException(owner.writeDeadline, e);
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
            super(LogText.get("deadline.write", String.valueOf(deadline.toMillis())), cause);
        }
    }
}
