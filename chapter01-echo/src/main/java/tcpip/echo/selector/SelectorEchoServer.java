package tcpip.echo.selector;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.EchoLimits;
import tcpip.echo.EchoLog;
import tcpip.echo.Msg;
import tcpip.echo.blocking.EchoServer;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptBackoff;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.LogSafe;
import tcpip.net.RequestDeadline;

/**
 * The non-blocking echo server: ONE thread serves every connection ({@link SelectorEchoCore}),
 * woken by a Selector (epoll on Linux) only for sockets that are ready. Around the core: a
 * connection cap, a read deadline (nothing received), a write deadline (unsent bytes and no
 * room in the send buffer), a request deadline (a line and its echo, however slowly sent or read),
 * one sanitised log line per failure, back-off when accept() fails (EMFILE: out of descriptors).
 */
public final class SelectorEchoServer implements Closeable {

    /** Deadlines are checked this often, at least (a quarter of the shortest deadline, up to 1 s). */
    private static final Duration MAX_SWEEP = Duration.ofSeconds(1);
    /** What a refused client already sent is read into this and thrown away (its size does not matter). */
    private static final int DISCARD_BUFFER = 128;
    /** Stands for the bytes of a chunk before its last one when the request deadline counts them (never '\\n'). */
    private static final byte[] FILLER = new byte[SelectorEchoCore.BUFFER_SIZE];

    /** Per connection, around the core's state: who it is, when it last made progress, its request. */
    private static final class Timing {
        final String peer;
        final RequestDeadline request;
        long lastReceived;
        long writeWaitSince; // 0 = nothing unsent

        Timing(String peer, long now, RequestDeadline request) {
            this.peer = peer;
            this.lastReceived = now;
            this.request = request;
        }
    }

    private final Selector selector;
    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    private final EchoLimits limits;
    private final PrintStream log;
    private final long sweepNanos;
    private final Map<SelectionKey, Timing> timings = new HashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean closing;
    private final byte[] lastByte = new byte[1];
    private long acceptPausedUntil;
    private final AcceptBackoff backoff = new AcceptBackoff();

    private SelectorEchoServer(Selector selector, ServerSocketChannel listener, EchoLimits limits, PrintStream log) {
        this.selector = selector;
        this.listener = listener;
        this.listenerKey = listener.keyFor(selector);
        this.limits = limits;
        this.log = log;
        // The shortest of the three deadlines: a 400 ms request deadline swept only every second (the read
        // deadline's quarter, capped) acted up to a second late.
        long shortest = Math.min(limits.requestDeadline().toNanos(),
                Math.min(limits.readDeadline().toNanos(), limits.writeDeadline().toNanos()));
        this.sweepNanos = Math.min(MAX_SWEEP.toNanos(), Math.max(1_000_000, shortest / 4));
        EchoLog.preloadFailurePaths(SelectorEchoServer.class); // an EMFILE later must not load a class or a bundle for the first time
    }

    /** A Selector (epoll instance), and the listener registered with it through the core. */
    public static SelectorEchoServer bind(InetAddress address, int port, EchoLimits limits, PrintStream log)
            throws IOException {
        Selector selector = Selector.open();
        try {
            ServerSocketChannel listener = SelectorEchoCore.listen(selector, new InetSocketAddress(address, port),
                    AcceptLoop.DEFAULT_BACKLOG);
            return new SelectorEchoServer(selector, listener, limits, log);
        } catch (IOException | RuntimeException e) {
            selector.keys().forEach(k -> Closeables.closeQuietly(k.channel()));
            selector.close();
            throw e;
        }
    }

    public int port() {
        return listener.socket().getLocalPort();
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** Connections being served right now. */
    public int openConnections() {
        return open.get();
    }

    /** The most connections served at the same time. */
    public int peakOpenConnections() {
        return peakOpen.get();
    }

    /** Connections accepted so far, refused ones included. */
    public long acceptedConnections() {
        return accepted.get();
    }

    public long refusedConnections() {
        return refused.get();
    }

    public long failedConnections() {
        return failed.get();
    }

    /** The one thread's loop: wait for readiness, serve what is ready, check deadlines; until close(). */
    public void serve() throws IOException {
        long nextSweep = System.nanoTime() + sweepNanos;
        try {
            while (!closing) {
                selector.select(Math.max(1, sweepNanos / 1_000_000)); // epoll_wait(): sleeps until a socket is ready
                long now = System.nanoTime();
                try {
                    if (serveReady(now)) { // connections first: the ones that died free their slots
                        acceptAll(now);
                    }
                    if (now - nextSweep >= 0) {
                        sweep(now);
                        nextSweep = now + sweepNanos;
                    }
                } catch (RuntimeException | Error e) { // OutOfMemoryError too: the one thread must survive
                    sayQuietly("SelectorEchoServer.log.selectFailed", e); // one line, next round
                }
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                Closeables.closeQuietly(key.channel());
            }
            selector.close();
        }
    }

    /** Serves every ready connection; true if the listener was ready too (connections wait to be accepted). */
    private boolean serveReady(long now) {
        List<SelectionKey> ready = List.copyOf(selector.selectedKeys());
        selector.selectedKeys().clear();
        boolean acceptable = false;
        for (SelectionKey key : ready) {
            if (key == listenerKey) {
                acceptable = true;
            } else if (key.isValid()) {
                step(key, now);
            }
        }
        return acceptable;
    }

    private void acceptAll(long now) {
        while (true) {
            if (open.get() >= limits.maxConnections()) {
                // Full? Connections that were reset or closed meanwhile still count until served once:
                // serve what is ready right now, so dead connections free their slots before we judge.
                try {
                    selector.selectNow();
                } catch (IOException e) {
                    say(Msg.get("SelectorEchoServer.log.selectFailed", LogSafe.failure(e)));
                }
                serveReady(now);
            }
            SelectionKey key;
            try {
                key = SelectorEchoCore.accept(listener, selector);
            } catch (IOException | RuntimeException | Error e) {
                // EMFILE/ENFILE or a connection that died in the queue: stop watching the accept queue
                // for a while (the other connections are still served), log once per episode.
                if (backoff.firstOfEpisode()) {
                    sayQuietly("SelectorEchoServer.log.acceptFailed", e);
                }
                listenerKey.interestOps(0);
                acceptPausedUntil = now + backoff.failed().toNanos();
                return;
            }
            if (key == null) {
                backoff.succeeded();
                return;
            }
            accepted.incrementAndGet();
            SocketChannel channel = (SocketChannel) key.channel();
            String peer = peer(channel);
            if (open.get() >= limits.maxConnections()) {
                refuse(key, peer);
                continue;
            }
            open.incrementAndGet();
            peakOpen.accumulateAndGet(open.get(), Math::max);
            timings.put(key, new Timing(peer, now, limits.newRequestDeadline()));
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (limits.sendBuffer() > 0) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, limits.sendBuffer());
                }
            } catch (IOException e) {
                drop(key, "SelectorEchoServer.log.failed", LogSafe.failure(e));
                continue;
            }
            say(EchoLog.accepted(peer, open.get()));
        }
    }

    /** One ready connection: the core's step, then the bookkeeping the deadlines need. */
    private void step(SelectionKey key, long now) {
        Timing t = timings.get(key);
        SelectorEchoCore.Echo echo = (SelectorEchoCore.Echo) key.attachment();
        long received = echo.received;
        long sent = echo.sent;
        int unsentBefore = echo.buffer.position();
        try {
            if (!SelectorEchoCore.echo(key)) {
                say(EchoLog.closed(t.peer, echo.received));
                close(key);
                return;
            }
        } catch (IOException | RuntimeException | Error e) { // one client's failure (even OutOfMemoryError) ends it only
            drop(key, isReset(e) ? "SelectorEchoServer.log.reset" : "SelectorEchoServer.log.failed",
                    LogSafe.failure(e));
            return;
        }
        boolean unsent = echo.buffer.position() > 0;
        if (echo.received > received) {
            t.lastReceived = now;
            int n = (int) (echo.received - received);
            // The last byte received is the last one still unsent, or, all sent, where the read put it.
            // (Newlines inside the chunk are not seen: a request then runs on until the buffer's worth below.)
            lastByte[0] = echo.buffer.array()[unsent ? echo.buffer.position() - 1 : unsentBefore + n - 1];
            t.request.received(FILLER, 0, n - 1); // a buffer's worth of bytes ends a request…
            t.request.received(lastByte, 0, 1); // …and so does a newline

        }
        if (!unsent) {
            t.request.awaitingInput(); // every byte echoed: a finished request is answered
        }
        if (!unsent) {
            t.writeWaitSince = 0;
        } else if (echo.sent > sent || t.writeWaitSince == 0) {
            t.writeWaitSince = now; // the kernel took some bytes: the wait starts again
        }
    }

    /** Closes connections past a deadline, and resumes accepting after a back-off. */
    private void sweep(long now) {
        if (listenerKey.interestOps() == 0 && now - acceptPausedUntil >= 0 && !closing) {
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        for (SelectionKey key : List.copyOf(timings.keySet())) {
            Timing t = timings.get(key);
            if (t.writeWaitSince != 0 && now - t.writeWaitSince > limits.writeDeadline().toNanos()) {
                drop(key, "SelectorEchoServer.log.writeDeadline", String.valueOf(limits.writeDeadline().toMillis()));
            } else if (t.request.passed()) {
                drop(key, "SelectorEchoServer.log.requestDeadline", String.valueOf(limits.requestDeadline().toMillis()));
            } else if (t.writeWaitSince == 0 && now - t.lastReceived > limits.readDeadline().toNanos()) {
                drop(key, "SelectorEchoServer.log.readDeadline", String.valueOf(limits.readDeadline().toMillis()));
            }
        }
    }

    /** Over the cap: accepted by the kernel already, so told why and closed at once (see EchoServer.refuse). */
    private void refuse(SelectionKey key, String peer) {
        refused.incrementAndGet();
        say(EchoLog.refused(peer, open.get(), limits.maxConnections()));
        SocketChannel channel = (SocketChannel) key.channel();
        key.cancel();
        try {
            channel.write(StandardCharsets.UTF_8.encode(EchoLog.busy(limits.maxConnections())));
            channel.shutdownOutput();
            ByteBuffer discard = ByteBuffer.allocate(DISCARD_BUFFER);
            while (channel.read(discard.clear()) > 0) {
                // bytes the client already sent: unread bytes at close() would mean RST instead of FIN
            }
        } catch (IOException e) {
            // the refused client is already gone
        }
        Closeables.closeQuietly(channel);
    }

    /** Closes a failed connection with one log line: the sentence {@code why}, about this peer and {@code detail}. */
    private void drop(SelectionKey key, String why, String detail) {
        failed.incrementAndGet();
        Timing t = timings.get(key);
        say(Msg.get(why, t == null ? "?" : t.peer, detail));
        close(key);
    }

    private void close(SelectionKey key) {
        if (timings.remove(key) != null) {
            open.decrementAndGet();
        }
        key.cancel();
        Closeables.closeQuietly(key.channel()); // FIN (RST if the client's bytes were left unread)
    }

    private static boolean isReset(Throwable e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return m.contains("reset");
    }

    private static String peer(SocketChannel c) {
        try {
            return Endpoint.text(c.getRemoteAddress());
        } catch (IOException e) {
            return "(gone)";
        }
    }

    /** Stops the loop from another thread; serve() closes every connection and the listener. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
    }

    private void say(String line) {
        if (log != null) {
            log.println(line);
        }
    }

    /** A log line on a failure path: if even that fails (out of descriptors), the loop goes on silently. */
    private void sayQuietly(String key, Throwable e) {
        try {
            say(Msg.get(key, LogSafe.failure(e)));
        } catch (RuntimeException | Error ignored) {
            // the next episode logs again
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args); // before the help texts below are looked up
        Cli cli = new Cli("SelectorEchoServer", Msg.get("SelectorEchoServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        Supplier<EchoLimits> limits = EchoLimits.flags(cli);
        Cli.Option<Boolean> quiet = EchoLog.quietFlag(cli);
        cli.example("SelectorEchoServer --port 7007");
        cli.example("SelectorEchoServer --max-connections 20000 --quiet");
        cli.parse(args);
        cli.run(() -> {
            SelectorEchoServer server = bind(InetAddress.getByName(bind.get()), port.get(), limits.get(),
                    quiet.get() ? null : System.out);
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                try {
                    main.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    // exiting anyway
                }
                System.out.println(EchoLog.stopped(server.accepted.get(), server.refused.get(), server.failed.get()));
            }));
            System.out.println(limits.get().listening("SelectorEchoServer.listening", Endpoint.text(server.address())));
            server.serve();
        });
    }
}
