package tcpip.echo.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tcpip.cli.Cli;
import tcpip.echo.Msg;
import tcpip.echo.blocking.EchoClient;
import tcpip.kernel.Endpoint;
import tcpip.net.Closeables;

/**
 * EchoClient's load mode: C connections opened at once (one virtual thread each), held open
 * together, each doing round trips and checking every echo byte for byte.
 */
public final class EchoLoad {

    public static final int DEFAULT_REQUESTS = 100;
    /** --sources at most: 127.0.0.1 to 127.0.0.254. */
    public static final int MAX_SOURCES = 254;
    /** How long all connections may take to be established before the run starts anyway. */
    static final Duration CONNECT_PHASE_LIMIT = Duration.ofSeconds(120);
    /**
     * Heap a connection needs besides its message and echo: its virtual thread and that thread's stack, the
     * socket's objects (8 KiB measured on JDK 25: 2000 connections held 16 MB more than one did, after a full GC).
     */
    static final long CONNECTION_HEAP = 8 * 1024;

    private EchoLoad() {
    }

    /** What a run did: connections that were open at once, good round trips, errors, elapsed time. */
    public record Result(int connections, int connected, long requests, long errors, Duration elapsed, String firstError) {
        public double requestsPerSecond() {
            return requests / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    public static Result run(InetSocketAddress server, int connections, int size, int requests, Duration duration,
            Duration timeout, PrintStream out) throws InterruptedException {
        return run(server, connections, size, requests, duration, timeout, out, 1);
    }

    /**
     * As above, with connection c coming from source address 127.0.0.(1 + c % sources) when
     * {@code sources} > 1: each address has its own ephemeral ports, so more connections than one
     * address's port range (net.ipv4.ip_local_port_range) fit against one server port. A load that could never
     * fit in the heap (connections x (2 x size + {@link #CONNECTION_HEAP}) > Runtime.maxMemory()) is an
     * OutOfMemoryError before any connection; one that runs out later ends the same way, from its thread.
     */
    public static Result run(InetSocketAddress server, int connections, int size, int requests, Duration duration,
            Duration timeout, PrintStream out, int sources) throws InterruptedException {
        if (connections * (2L * size + CONNECTION_HEAP) > Runtime.getRuntime().maxMemory()) {
            // Every connection holds its message and, during a round trip, the echo: more than the heap can ever
            // hold. Said now, as Cli says a real one, not after the load threads have filled the heap (then a
            // virtual thread can wait for good on a wake-up that an OutOfMemoryError inside the JDK lost).
            throw new OutOfMemoryError();
        }
        CountDownLatch connectedOrFailed = new CountDownLatch(connections);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(connections);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger connected = new AtomicInteger();
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong deadline = new AtomicLong();
        out.println(Msg.get(duration == null ? "EchoLoad.opening" : "EchoLoad.opening.duration",
                String.valueOf(connections), Endpoint.text(server),
                String.valueOf(duration == null ? requests : duration.toMillis()), String.valueOf(size)));
        if (sources > 1) {
            out.println(Msg.get("EchoLoad.sources", String.valueOf(sources), source(0).getHostAddress(),
                    source(sources - 1).getHostAddress()));
        }
        List<Thread> threads = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            int id = c;
            threads.add(Thread.ofVirtual().name("load-" + c).start(() -> {
                Socket socket = null;
                boolean holdOpen = true;
                try {
                    try {
                        socket = sources > 1 ? connectFrom(source(id % sources), server, timeout)
                                : EchoClient.connect(server, timeout);
                        connected.incrementAndGet();
                    } finally {
                        connectedOrFailed.countDown();
                    }
                    go.await();
                    byte[] message = new byte[size];
                    for (long i = 0; duration == null ? i < requests : System.nanoTime() - deadline.get() < 0; i++) {
                        fill(message, id, i); // a pattern unique to this connection and request
                        byte[] echo = EchoClient.roundTrip(socket, message);
                        if (!Arrays.equals(echo, message)) {
                            throw new IOException(Msg.get("EchoLoad.echoDiffers", String.valueOf(id), String.valueOf(i)));
                        }
                        ok.incrementAndGet();
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, Msg.get("EchoLoad.failure", String.valueOf(id), Cli.describe(e)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) { // OutOfMemoryError: a heap too small for this load
                    // No waiting for the others (a full heap may never let them finish): the thread ends now and
                    // Cli's handler for dying threads prints one line and exits 1.
                    holdOpen = false;
                    throw e;
                } finally {
                    finished.countDown();
                    if (holdOpen) {
                        awaitQuietly(release); // keep every connection open until all are done
                    }
                    Closeables.closeQuietly(socket);
                }
            }));
        }
        boolean allTried = connectedOrFailed.await(CONNECT_PHASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        out.println(allTried
                ? Msg.get("EchoLoad.established", String.valueOf(connected.get()), String.valueOf(connections))
                : Msg.get("EchoLoad.established.slow", String.valueOf(connected.get()), String.valueOf(connections),
                        String.valueOf(CONNECT_PHASE_LIMIT.toSeconds())));
        long start = System.nanoTime();
        if (duration != null) {
            deadline.set(start + duration.toNanos());
        }
        go.countDown();
        finished.await();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Result r = new Result(connections, connected.get(), ok.get(), errors.get(), elapsed, firstError.get());
        String seconds = String.format("%.2f", elapsed.toNanos() / 1e9);
        String perSecond = String.format("%.0f", r.requestsPerSecond());
        out.println(r.errors() == 0
                ? Msg.get("EchoLoad.done", String.valueOf(r.connected()), String.valueOf(r.requests()), seconds,
                        perSecond, String.valueOf(r.errors()))
                : Msg.get("EchoLoad.done.errors", String.valueOf(r.connected()), String.valueOf(r.requests()), seconds,
                        perSecond, String.valueOf(r.errors()), r.firstError()));
        return r;
    }

    /** True if connections to {@code server} can come from 127.0.0.x: it is an IPv4 loopback address. */
    public static boolean fromManySources(InetSocketAddress server) {
        return server.getAddress() instanceof Inet4Address a && a.isLoopbackAddress();
    }

    /** 127.0.0.(1 + i): the whole 127.0.0.0/8 network is loopback, every address in it is this machine. */
    static InetAddress source(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, never for 4 bytes
        }
    }

    /** EchoClient.connect from a chosen source address: bind() first, so the kernel picks a free port of THAT address. */
    private static Socket connectFrom(InetAddress source, InetSocketAddress server, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(source, 0)); // port 0: one of this address's ephemeral ports
            socket.connect(server, Math.toIntExact(timeout.toMillis()));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return EchoClient.harden(socket, timeout);
    }

    private static void fill(byte[] message, int connection, long request) {
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) (connection * 31 + request * 7 + i);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
