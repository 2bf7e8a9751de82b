package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.kernel.Descriptors;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.segmentation.buffers.BufferSizeServer;
import tcpip.segmentation.buffers.SlowReaderServer;
import tcpip.segmentation.framing.LengthPrefixCore;
import tcpip.segmentation.framing.LengthPrefixEncoder;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.framing.LineClient;
import tcpip.segmentation.framing.LineCore;
import tcpip.segmentation.framing.LineQueue;
import tcpip.segmentation.framing.LineServer;
import tcpip.segmentation.framing.ReadSizeServer;
import tcpip.segmentation.mss.MssServer;
import tcpip.segmentation.nagle.NagleCore;
import tcpip.segmentation.nagle.RequestResponseServer;
import tcpip.segmentation.throughput.BulkReceiver;
import tcpip.testing.MainRunner;

/** Issue 13: every server of this chapter survives hostile clients; clients fail with one line. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
class HardeningTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int STORM = 2_000;
    /**
     * The test's listeners' backlog: room for the whole storm. With the servers' own (ServerOptions.BACKLOG, 512) an
     * accept thread starved by a loaded machine let the queue fill once: the kernel then drops a handshake's last
     * ACK (ListenOverflows), the client's RST ends that connection before accept(), and the server accepted 2,000
     * of 2,001.
     */
    private static final int STORM_BACKLOG = STORM + 1;
    private static final AcceptLoop.Limits LIMITS = new AcceptLoop.Limits(1_000, WAIT);

    /** Each server of the chapter: how to start it in-process, and what a normal client expects from it. */
    enum Server {
        READ_SIZE(l -> ReadSizeServer.loop(l.listener, LIMITS, 64 * 1024, Duration.ZERO, l.log), false,
                (c, log) -> sendAndFin(c, log, ": 10 bytes in")),
        LINE(l -> LineServer.loop(l.listener, LIMITS, 64, l.log), true,
                (c, log) -> assertThat(LineCore.exchange(c, List.of("hi"), 64)).containsExactly("line 1: hi")),
        LENGTH_PREFIX(l -> LengthPrefixServer.loop(l.listener, LIMITS, 1 << 20, l.log), true, (c, log) -> {
            c.getOutputStream().write(LengthPrefixEncoder.encode(new byte[3]));
            assertThat(LengthPrefixCore.readAnswer(new DataInputStream(c.getInputStream()))).isEqualTo("frame 1: 3 bytes");
        }),
        BUFFER_SIZE(l -> BufferSizeServer.loop(l.listener, LIMITS, 0, l.log), false,
                (c, log) -> sendAndFin(c, log, "read 10 bytes until the client's FIN")),
        SLOW_READER(l -> SlowReaderServer.loop(l.listener, LIMITS, Duration.ofMillis(100), l.log), false,
                (c, log) -> sendAndFin(c, log, "drained: read 10 bytes")),
        REQUEST_RESPONSE(l -> RequestResponseServer.loop(l.listener, LIMITS, l.log), true,
                (c, log) -> assertThat(NagleCore.request(c)).isPositive()),
        MSS(l -> MssServer.loop(l.listener, LIMITS, l.log), false,
                (c, log) -> sendAndFin(c, log, "after 10 bytes arrived")),
        BULK_RECEIVER(l -> BulkReceiver.loop(l.listener, LIMITS, l.log), false, (c, log) -> {
            SocketChannel ch = c.getChannel();
            ch.write(ByteBuffer.wrap(new byte[10]));
            ch.shutdownOutput();
            ByteBuffer count = ByteBuffer.allocate(8);
            while (count.hasRemaining() && ch.read(count) >= 0) {
                // until all 8 bytes of the count arrived
            }
            assertThat(count.flip().getLong()).isEqualTo(10);
        });

        final Function<Running, AcceptLoop> start;
        final boolean guarded;
        final NormalClient normal;

        Server(Function<Running, AcceptLoop> start, boolean guarded, NormalClient normal) {
            this.start = start;
            this.guarded = guarded;
            this.normal = normal;
        }
    }

    @FunctionalInterface
    interface NormalClient {
        void exchange(Socket client, LineQueue log) throws Exception;
    }

    /** A listener of the right kind and the log its server writes to. */
    static final class Running implements AutoCloseable {
        final ServerSocket listener;
        final LineQueue log = new LineQueue();
        final AcceptLoop loop;
        final Thread thread;

        Running(Server server) throws IOException {
            if (server == Server.BULK_RECEIVER) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), STORM_BACKLOG);
                listener = ch.socket();
            } else if (server.guarded) {
                listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, STORM_BACKLOG,
                        Duration.ofMillis(300));
            } else {
                listener = new ServerSocket();
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), STORM_BACKLOG);
            }
            loop = server.start.apply(this);
            thread = Thread.ofPlatform().daemon().name("server-" + server).start(loop::run);
        }

        Socket connect() throws IOException {
            Socket s = listener.getChannel() != null ? SocketChannel.open().socket() : new Socket();
            s.connect(listener.getLocalSocketAddress(), (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            return s;
        }

        @Override
        public void close() throws Exception {
            listener.close();
            thread.join(WAIT.toMillis());
        }
    }

    private static void sendAndFin(Socket c, LineQueue log, String expected) throws Exception {
        c.getOutputStream().write(new byte[10]);
        c.shutdownOutput();
        assertThat(log.await(expected, WAIT)).contains(expected);
    }

    /** Item 8: 2,000 connect+RST, then a normal client is served and the sockets are back to the baseline. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Server.class)
    @Timeout(60)
    void survivesAResetStormAndServesTheNextClient(Server server) throws Exception {
        assumeTrue(Descriptors.available(), "needs /proc/self/fd");
        try (Running r = new Running(server)) {
            int baseline = Descriptors.sockets().size();
            for (int i = 0; i < STORM; i++) {
                try (Socket s = new Socket()) {
                    s.connect(r.listener.getLocalSocketAddress(), (int) WAIT.toMillis());
                    s.setSoLinger(true, 0); // close() sends RST
                }
            }
            awaitIdle(r.loop);
            assertThat(r.thread.isAlive()).as("the accept loop survived the storm").isTrue();
            try (Socket normal = r.connect()) {
                server.normal.exchange(normal, r.log);
            }
            awaitIdle(r.loop);
            long end = System.nanoTime() + WAIT.toNanos();
            while (Descriptors.sockets().size() > baseline && System.nanoTime() < end) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // bounded: closes finish asynchronously
            }
            assertThat(Descriptors.sockets().size()).as("socket descriptors after the storm").isLessThanOrEqualTo(baseline);
            assertThat(r.loop.accepted()).isGreaterThanOrEqualTo(STORM + 1);
        }
    }

    /**
     * Waits until the server serves no connection, for longer than its read deadline (LIMITS: WAIT): a connection
     * whose end the server never saw (once in some twenty builds, one of the 2,000 storm connections under load)
     * must end by that deadline at the latest; one that never ends is a leak, and this still fails on it.
     */
    private static void awaitIdle(AcceptLoop loop) {
        long end = System.nanoTime() + WAIT.multipliedBy(2).toNanos();
        while (loop.active() > 0 && System.nanoTime() < end) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(loop.active()).as("connections still being served").isZero();
    }

    /** Connection cap: over it, a client is accepted and closed at once; once a slot frees, clients are served. */
    @Test
    @Timeout(30)
    void overTheCapAClientIsClosedAtOnce() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AcceptLoop loop = LengthPrefixServer.loop(listener, new AcceptLoop.Limits(1, WAIT), 1 << 20, l -> { });
            Thread.ofPlatform().daemon().start(loop::run);
            try (Socket first = connect(listener); Socket second = connect(listener)) {
                first.getOutputStream().write(LengthPrefixEncoder.encode(new byte[1]));
                assertThat(LengthPrefixCore.readAnswer(new DataInputStream(first.getInputStream()))).isEqualTo("frame 1: 1 bytes");
                assertThat(second.getInputStream().read()).as("the second client, over the cap of 1").isEqualTo(-1);
            }
            awaitIdle(loop);
            try (Socket third = connect(listener)) {
                third.getOutputStream().write(LengthPrefixEncoder.encode(new byte[2]));
                assertThat(LengthPrefixCore.readAnswer(new DataInputStream(third.getInputStream()))).isEqualTo("frame 1: 2 bytes");
            }
            assertThat(loop.refused()).isEqualTo(1);
        }
    }

    /** Item 4: a client that sends requests but never reads is dropped once a write blocks past the deadline. */
    @Test
    @Timeout(30)
    void aClientThatDoesNotReadIsDroppedAtTheWriteDeadline() throws Exception {
        LineQueue log = new LineQueue();
        try (GuardedListener listener = new GuardedListener(InetAddress.getLoopbackAddress(), 0, 50, Duration.ofMillis(300))) {
            AcceptLoop loop = LineServer.loop(listener, new AcceptLoop.Limits(4, WAIT), 64, log);
            Thread.ofPlatform().daemon().start(loop::run);
            Socket client = new Socket();
            client.setReceiveBufferSize(4 * 1024); // fills fast; we never read
            client.connect(listener.getLocalSocketAddress());
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                byte[] lines = "x\n".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII);
                try {
                    OutputStream out = client.getOutputStream();
                    for (int i = 0; i < 4_096; i++) { // bounded: 64 MiB at most
                        out.write(lines);
                        sent.addAndGet(lines.length);
                    }
                } catch (IOException e) {
                    // the server dropped us: that is the point
                }
            });
            assertThat(log.await("write blocked longer than the write deadline", WAIT)).contains("client 127.0.0.1:");
            awaitIdle(loop);
            assertThat(listener.openConnections()).as("the server closed its end").isZero();
            client.close(); // fails our own blocked write
            writer.join(WAIT.toMillis());
        }
    }

    /** Item 5: 1,000 header-only clients declaring ~1 MiB each cannot exhaust a 64 MiB heap; the server keeps serving. */
    @Test
    @Timeout(60)
    void headerOnlyClientsCannotExhaustTheHeap() throws Exception {
        List<String> command = tcpip.testing.MainRunner.java();
        command.add(1, "-Xmx64m");
        command.addAll(List.of(LengthPrefixServer.class.getName(), "--port", "0", "--max-connections", "2000"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuffer rest = new StringBuffer();
        Thread drain = null;
        List<Socket> idle = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            drain = Thread.ofPlatform().daemon().start(() -> {
                try {
                    out.lines().forEach(l -> rest.append(l).append('\n'));
                } catch (java.io.UncheckedIOException e) {
                    // the process was stopped
                }
            });
            Matcher m = Pattern.compile("listening on .*:(\\d+)").matcher(String.valueOf(first));
            assertThat(m.find()).as("first line of the server: %s", first).isTrue();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
            byte[] header = ByteBuffer.allocate(4).putInt((1 << 20) - 1).array(); // just under the 1 MiB maximum
            for (int i = 0; i < 1_000; i++) {
                Socket s = new Socket();
                idle.add(s);
                s.connect(address, (int) WAIT.toMillis());
                s.getOutputStream().write(header); // and never the payload
            }
            try (Socket normal = new Socket()) {
                normal.connect(address, (int) WAIT.toMillis());
                normal.setSoTimeout((int) WAIT.toMillis());
                normal.getOutputStream().write(LengthPrefixEncoder.encode(new byte[3]));
                assertThat(LengthPrefixCore.readAnswer(new DataInputStream(normal.getInputStream())))
                        .as("a normal client is still served").isEqualTo("frame 1: 3 bytes");
            }
            assertThat(server.isAlive()).as("the server with -Xmx64m is alive").isTrue();
        } finally {
            idle.forEach(Closeables::abortQuietly); // RST: no thousand TIME_WAIT rows for the next minute
            server.destroy();
            if (!server.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                server.destroyForcibly();
            }
        }
        if (drain != null) {
            drain.join(WAIT.toMillis());
        }
        assertThat(rest.toString()).as("the server's output").doesNotContain("OutOfMemoryError");
    }

    /** Item 12: LineClient exits non-zero with one line when the server answers garbage. */
    @Test
    @Timeout(30)
    void lineClientFailsWithOneLineOnGarbage() throws Exception {
        try (ServerSocket fake = new ServerSocket()) {
            fake.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                try (Socket c = fake.accept()) {
                    c.setSoTimeout((int) WAIT.toMillis());
                    c.getInputStream().readAllBytes(); // until the client's FIN
                    c.getOutputStream().write("garbage\u001b[31m\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the test fails on the client's side if this goes wrong
                }
            });
            MainRunner.Result r = MainRunner.run(Duration.ofSeconds(20), LineClient.class, "--port",
                    String.valueOf(fake.getLocalPort()), "--lines", "2");
            t.join(WAIT.toMillis());
            assertThat(r.exitCode()).as("exit code; stderr: %s", r.stderr()).isEqualTo(1);
            assertThat(r.stderr().strip().lines().count()).as(r.stderr()).isEqualTo(1);
            assertThat(r.stderr()).contains("unexpected answer").doesNotContain("\u001b").doesNotContain("\tat ");
        }
    }

    /** Item 10: what a client sends never reaches a log line raw (no control characters). */
    @Test
    @Timeout(30)
    void logLinesCarryNoControlCharacters() throws Exception {
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AcceptLoop loop = LineServer.loop(listener, new AcceptLoop.Limits(4, WAIT), 16, lines::add);
            Thread.ofPlatform().daemon().start(loop::run);
            try (Socket c = connect(listener)) {
                c.getOutputStream().write("ok\n\u001b[2J\rforged log line\u0007 and far too long\n".getBytes(StandardCharsets.UTF_8));
                c.shutdownOutput();
                c.getInputStream().readAllBytes();
            }
            awaitIdle(loop);
        }
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            assertThat(l.chars().noneMatch(ch -> Character.isISOControl(ch) && ch != '\n' && ch != '\r'))
                    .as("log line %s", l).isTrue();
        }
    }

    private static Socket connect(ServerSocket listener) throws IOException {
        Socket s = new Socket();
        s.connect(listener.getLocalSocketAddress(), (int) WAIT.toMillis());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }
}
