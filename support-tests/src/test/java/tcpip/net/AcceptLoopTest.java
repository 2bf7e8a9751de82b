package tcpip.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Descriptors;

/** The shared accept loop survives hostile clients: resets, silence, not reading, bad input. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AcceptLoopTest {

    private static final Duration READ_DEADLINE = Duration.ofSeconds(5);
    private static final Duration WRITE_DEADLINE = Duration.ofMillis(300);
    private static final int READ_TIMEOUT_MS = 5_000;

    private final List<String> log = new CopyOnWriteArrayList<>();
    private GuardedListener listener;
    private Thread loopThread;
    private AcceptLoop loop;

    /** An echo of one line per connection: reads a byte at a time until '\n', writes it back. */
    private static void echoLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            out.write(b);
            if (b == '\n') {
                return;
            }
        }
    }

    private int start(int cap, AcceptLoop.Handler handler) throws IOException {
        listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, AcceptLoop.DEFAULT_BACKLOG, WRITE_DEADLINE);
        loop = new AcceptLoop(listener, new AcceptLoop.Limits(cap, READ_DEADLINE), Thread.ofVirtual().factory(),
                handler, null, log::add);
        loopThread = Thread.ofPlatform().daemon().start(loop::run);
        return listener.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
            loopThread.join(5_000);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    private static String roundTrip(int port, String line) throws IOException {
        try (Socket s = connect(port)) {
            s.getOutputStream().write((line + "\n").getBytes());
            byte[] buf = s.getInputStream().readNBytes(line.length() + 1);
            return new String(buf).trim();
        }
    }

    /** Polls a condition the kernel or another thread makes true, bounded in time. */
    private static void until(java.util.function.BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
        }
    }

    @Test
    void resetStormLeavesTheLoopServingAndNoDescriptorsBehind() throws Exception {
        assumeTrue(Descriptors.available(), "needs /proc/self/fd (Linux)");
        int port = start(AcceptLoop.DEFAULT_MAX_CONNECTIONS, AcceptLoopTest::echoLine);
        assertThat(roundTrip(port, "warm-up")).isEqualTo("warm-up");
        int baseline = Descriptors.tcpSockets().size();
        long t0 = System.nanoTime();
        for (int i = 0; i < 2_000; i++) {
            try (Socket s = connect(port)) {
                s.setSoLinger(true, 0); // close() sends RST: the connection dies in the queue or in read()
            }
        }
        // The loop may still be closing reset connections' handlers; while they fill the cap a new client
        // is refused (closed at once, by design). Wait for them to drain, then one client must be served.
        until(() -> loop.active() == 0, Duration.ofSeconds(10));
        assertThat(loop.active()).as("handlers still running 10 s after the storm").isZero();
        assertThat(roundTrip(port, "after the storm")).as("served after the storm (%d refused over the cap)", loop.refused())
                .isEqualTo("after the storm");
        System.out.printf("2,000 connect+RST clients and one served client: %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        // Every reset connection's server end is closed again: back to the baseline.
        until(() -> Descriptors.tcpSockets().size() <= baseline, Duration.ofSeconds(10));
        assertThat(Descriptors.tcpSockets().size()).as("TCP descriptors after 2,000 resets").isLessThanOrEqualTo(baseline);
        assertThat(loopThread.isAlive()).isTrue();
    }

    @Test
    void overTheCapAConnectionIsClosedAtOnceAndTheSlotComesBack() throws Exception {
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int port = start(1, s -> {
            holding.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (Socket first = connect(port)) {
            assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
            try (Socket second = connect(port)) {
                assertThat(second.getInputStream().read()).as("over the cap: closed at once, end of stream").isEqualTo(-1);
            }
            release.countDown();
        }
        assertThat(loop.refused()).isEqualTo(1);
        // The slot is free again once the first handler returned.
        until(() -> loop.active() == 0, Duration.ofSeconds(5));
        assertThat(loop.active()).isZero();
    }

    @Test
    void aClientThatNeverReadsIsDroppedWithinTheWriteDeadline() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        int port = start(4, s -> {
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = s.getOutputStream();
            try {
                for (int i = 0; i < 100_000; i++) { // bounded: 6.5 GB would never fit in the buffers
                    out.write(chunk);
                }
            } finally {
                failed.countDown();
            }
        });
        try (Socket silent = connect(port)) {
            silent.setReceiveBufferSize(4096);
            long t0 = System.nanoTime();
            assertThat(failed.await(10, TimeUnit.SECONDS)).as("the blocked write was ended").isTrue();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).as("dropped after the write deadline (%d ms), not never", WRITE_DEADLINE.toMillis())
                    .isLessThan(READ_TIMEOUT_MS);
        }
        until(() -> log.stream().anyMatch(l -> l.contains("write deadline")), Duration.ofSeconds(5));
        assertThat(log).anyMatch(l -> l.contains("write blocked longer than the write deadline"));
    }

    @Test
    void aSilentClientIsClosedAtTheReadDeadlineWithOneLogLine() throws Exception {
        listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, 50, WRITE_DEADLINE);
        loop = new AcceptLoop(listener, new AcceptLoop.Limits(4, Duration.ofMillis(200)), null,
                AcceptLoopTest::echoLine, null, log::add);
        loopThread = Thread.ofPlatform().daemon().start(loop::run);
        int port = listener.getLocalPort();
        try (Socket silent = connect(port)) {
            assertThat(silent.getInputStream().read()).as("closed by the server's read deadline").isEqualTo(-1);
        }
        // An iterative server is free again for the next client.
        assertThat(roundTrip(port, "next")).isEqualTo("next");
        assertThat(log).anyMatch(l -> l.contains("read deadline"));
    }

    @Test
    void aHandlerFailureIsOneSanitisedLineAndTheLoopGoesOn() throws Exception {
        int port = start(4, s -> {
            String name = new String(s.getInputStream().readNBytes(12));
            throw new IOException("bad name " + name); // raw: the loop escapes it once
        });
        try (Socket s = connect(port)) {
            s.getOutputStream().write("x\nFAKE\u001b[31m".getBytes());
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(roundTripAfterFailure(port)).isTrue();
        assertThat(log.get(0)).contains("bad name x\\nFAKE\\x1b[31m");
        assertThat(log).allSatisfy(l -> assertThat(l).doesNotContain("\n").doesNotContain("\u001b"));
    }

    @Test
    void anOutOfMemoryErrorIsOneLogLineNotAStackTraceAndTheLoopGoesOn() throws Exception {
        // ReadSizeServer -Xmx256m, 200 clients with a 2 MiB buffer each: 116 "Exception in thread" stack traces
        // went to stderr, one per virtual thread the error escaped from. Here the first client's handler throws it.
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, AcceptLoop.DEFAULT_BACKLOG, WRITE_DEADLINE);
        java.util.concurrent.atomic.AtomicInteger clients = new java.util.concurrent.atomic.AtomicInteger();
        loop = new AcceptLoop(listener, new AcceptLoop.Limits(4, READ_DEADLINE),
                Thread.ofVirtual().uncaughtExceptionHandler((t, e) -> uncaught.add(e)).factory(), s -> {
                    if (clients.incrementAndGet() == 1) {
                        throw new OutOfMemoryError("Java heap space");
                    }
                    echoLine(s);
                }, null, log::add);
        loopThread = Thread.ofPlatform().daemon().start(loop::run);
        int port = listener.getLocalPort();
        String who;
        try (Socket s = connect(port)) {
            who = "127.0.0.1:" + s.getLocalPort();
            assertThat(s.getInputStream().read()).as("the failed client is closed").isEqualTo(-1);
        }
        until(() -> !log.isEmpty(), Duration.ofSeconds(5));
        assertThat(roundTrip(port, "next")).as("the next client is served").isEqualTo("next");
        assertThat(log).containsExactly(Msg.get("accept.client.failed", who, "OutOfMemoryError: Java heap space"));
        assertThat(uncaught).as("errors that escaped to the thread's uncaught handler (a stack trace on stderr)").isEmpty();
        assertThat(loop.failed()).isEqualTo(1);
        until(() -> loop.active() == 0, Duration.ofSeconds(5));
        assertThat(loop.active()).as("the failed client's slot came back").isZero();
    }

    private boolean roundTripAfterFailure(int port) throws Exception {
        until(() -> !log.isEmpty(), Duration.ofSeconds(5));
        try (Socket s = connect(port)) {
            return s.isConnected() && loopThread.isAlive();
        }
    }

    @Test
    void everyConnectionIsTakenThroughTheAcceptorItWasGiven() throws Exception {
        listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, AcceptLoop.DEFAULT_BACKLOG, WRITE_DEADLINE);
        List<Integer> taken = new CopyOnWriteArrayList<>();
        loop = new AcceptLoop(listener, l -> {
            Socket s = l.accept();
            taken.add(s.getPort());
            return s;
        }, new AcceptLoop.Limits(4, READ_DEADLINE), null, AcceptLoopTest::echoLine, null, log::add);
        loopThread = Thread.ofPlatform().daemon().start(loop::run);
        int clientPort;
        try (Socket s = connect(listener.getLocalPort())) {
            clientPort = s.getLocalPort();
            s.getOutputStream().write("via\n".getBytes());
            assertThat(new String(s.getInputStream().readNBytes(4))).isEqualTo("via\n");
        }
        assertThat(taken).containsExactly(clientPort);
    }

    @Test
    void logSafeEscapesFormatCharactersSoNoClientCanReorderALogLine() {
        // U+202E (right-to-left override), U+200B (zero width space), U+FEFF, U+2066 and the tag U+E0041 (Cf)
        // were written raw before: "evil\u202Etxt.exe" then displays as "evilexe.txt".
        assertThat(LogSafe.text("evil\u202Etxt.exe")).isEqualTo("evil\\u202etxt.exe");
        assertThat(LogSafe.text("a\u200Bb\uFEFFc\u2066d")).isEqualTo("a\\u200bb\\ufeffc\\u2066d");
        assertThat(LogSafe.text("tag" + new String(Character.toChars(0xE0041)))).isEqualTo("tag\\U000e0041");
        assertThat(LogSafe.text("lone \uD800 surrogate")).isEqualTo("lone \\ud800 surrogate");
        assertThat(LogSafe.text("한글 and é stay")).isEqualTo("한글 and é stay");
        assertThat(LogSafe.text("\u0085next")).isEqualTo("\\x85next");
    }

    @Test
    void logSafeEscapesControlCharactersAndCutsLongValues() {
        assertThat(LogSafe.text("a\nb\r\u001b[2J\u0000")).isEqualTo("a\\nb\\r\\x1b[2J\\x00");
        assertThat(LogSafe.text("x".repeat(500))).hasSizeLessThan(150).endsWith("(500 chars)");
        assertThat(LogSafe.failure(new SocketTimeoutException("Read timed out\nforged line")))
                .isEqualTo("SocketTimeoutException: Read timed out\\nforged line");
    }
}
