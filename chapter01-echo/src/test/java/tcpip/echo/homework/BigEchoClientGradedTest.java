package tcpip.echo.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/**
 * Grades BigEchoClient against an echo server with small buffers, so a write-then-read client never finishes. The
 * quick checks go first, the ones that wait for seconds last: the build's homework checks stop a wrong answer at its
 * first failure.
 */
@ExtendWith(TodoHint.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BigEchoClientGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(BigEchoClient.class);

    static final int SMALL_BUFFER = 16 * 1024;
    static final int BIG = 4 << 20;

    private ServerSocket listener;
    private Thread server;

    /** Echoes each client 4 KiB at a time; stops after {@code limit} bytes with a FIN. */
    private void startEchoServer(long limit) throws IOException {
        listener = new ServerSocket();
        listener.setReceiveBufferSize(SMALL_BUFFER); // fixed small buffers: no autotuning hides the deadlock
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        server = Thread.ofVirtual().start(() -> {
            try (Socket s = listener.accept()) {
                s.setSendBufferSize(SMALL_BUFFER);
                s.setSoTimeout(20_000);
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[4096];
                long echoed = 0;
                int n;
                while (echoed < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - echoed))) != -1) {
                    out.write(buf, 0, n);
                    echoed += n;
                }
            } catch (IOException e) {
                // the client went away; the test reports what it saw
            }
        });
    }

    /** Reads and drops everything, never answers: the client's bytes go out, nothing comes back. */
    private void startSilentServer() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        server = Thread.ofVirtual().start(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(20_000);
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // the client went away
            }
        });
    }

    /**
     * Reads the whole message, then echoes it in {@code pieces} parts {@code pause} apart: never silent for 3 s, but
     * slower than 3 s in all.
     */
    private void startSlowServer(int length, int pieces, Duration pause) throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        server = Thread.ofVirtual().start(() -> {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(20_000);
                byte[] message = s.getInputStream().readNBytes(length);
                int piece = message.length / pieces;
                for (int i = 0; i < pieces; i++) {
                    if (i > 0 && serverStop.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                        return; // the test is over
                    }
                    int end = i == pieces - 1 ? message.length : (i + 1) * piece;
                    s.getOutputStream().write(message, i * piece, end - i * piece);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
    }

    private final java.util.concurrent.CountDownLatch serverStop = new java.util.concurrent.CountDownLatch(1);

    private SocketChannel connect() throws IOException {
        SocketChannel c = SocketChannel.open();
        c.setOption(StandardSocketOptions.SO_RCVBUF, SMALL_BUFFER);
        c.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
        c.connect(listener.getLocalSocketAddress());
        c.configureBlocking(false); // the exercise works on a non-blocking channel, in one thread
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        if (listener == null) {
            return;
        }
        serverStop.countDown();
        listener.close();
        server.join(3_000);
    }

    @Test
    @Order(1)
    void aShortMessageComesBack() throws Exception {
        startEchoServer(Long.MAX_VALUE);
        byte[] hello = "hello, kernel\n".getBytes(StandardCharsets.UTF_8);
        try (SocketChannel s = connect()) {
            byte[] echo = Within.call(Duration.ofSeconds(5), "echo", () -> BigEchoClient.echo(s, hello));
            assertThat(new String(echo, StandardCharsets.UTF_8)).as("the echo of a short message").isEqualTo("hello, kernel\n");
        }
    }

    /** The exercise's point: a client that cannot interleave writing and reading never finishes, so it keeps at most half. */
    @Test
    @Order(4)
    @Weight(6)
    void fourMebibytesComeBackThroughSixteenKibibyteBuffers() throws Exception {
        startEchoServer(Long.MAX_VALUE);
        byte[] message = new byte[BIG];
        new Random(14).nextBytes(message);
        try (SocketChannel s = connect()) {
            byte[] echo = Within.call(Duration.ofSeconds(10), "echo of 4 MiB", () -> BigEchoClient.echo(s, message));
            assertThat(echo.length).as("echo length").isEqualTo(BIG);
            assertThat(Arrays.mismatch(echo, message)).as("index of the first byte that differs (-1: none)").isEqualTo(-1);
            assertThat(s.isBlocking()).as("the channel stays non-blocking: one thread, one Selector").isFalse();
        }
    }

    /**
     * A server that never answers: select() with the idle timeout returns 0 after 3 s, and echo() gives up with
     * SocketTimeoutException. Without a timeout select() waits forever; a loop of selectNow() keeps a core busy.
     */
    @Test
    @Order(5)
    @Weight(2)
    void aSilentServerEndsInASocketTimeoutWithoutSpinning() throws Exception {
        startSilentServer();
        byte[] message = new byte[64 * 1024];
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        try (SocketChannel s = connect()) {
            java.util.concurrent.FutureTask<byte[]> call = new java.util.concurrent.FutureTask<>(() -> BigEchoClient.echo(s, message));
            // A spinning thread beside it, in the measuring window only, shows how much CPU a busy loop would get on
            // this (maybe loaded) machine meanwhile.
            java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean(true);
            long[] spins = {0};
            Thread spinner = Thread.ofPlatform().daemon().name("busy-loop yardstick").unstarted(() -> {
                while (waiting.get()) {
                    spins[0]++;
                }
            });
            long start = System.nanoTime();
            Thread exercise = Thread.ofPlatform().daemon().name("exercise: echo to a silent server").start(call);
            // CPU is measured between 0.5 s and 1.5 s after the start, while echo() can only be waiting: setting up,
            // loading classes and building the exception cost CPU too, but not in this window.
            long[] window = new long[4];
            try {
                byte[] echo;
                try {
                    awaitQuietly(call, WINDOW_START);
                    spinner.start();
                    window[0] = cpu.getThreadCpuTime(exercise.threadId());
                    window[1] = cpu.getThreadCpuTime(spinner.threadId());
                    awaitQuietly(call, WINDOW_END.minus(WINDOW_START));
                    window[2] = cpu.getThreadCpuTime(exercise.threadId());
                    window[3] = cpu.getThreadCpuTime(spinner.threadId());
                    waiting.set(false); // the yardstick has measured: it stops spinning while echo() may still wait
                    echo = call.get(8, TimeUnit.SECONDS);
                } finally {
                    waiting.set(false);
                    if (spinner.isAlive()) {
                        spinner.join(2_000);
                    }
                }
                fail("echo() returned %d bytes although the server never answered", echo.length);
            } catch (java.util.concurrent.TimeoutException e) {
                fail("echo() to a server that never answers did not return within 8 s: pass the idle time to"
                        + " select(timeout) and throw SocketTimeoutException when it returns 0");
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof java.net.SocketTimeoutException)) {
                    throw e.getCause() instanceof Exception x ? x : e; // an unfinished template reads "Not done yet"
                }
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            assertThat(took).as("ms until echo() gave up (the idle limit is 3 s)").isGreaterThanOrEqualTo(2_500);
            long used = (window[2] - window[0]) / 1_000_000;
            long spun = (window[3] - window[1]) / 1_000_000;
            assertThat(window[0] >= 0 && window[2] >= 0 ? used : -1).as("CPU ms echo()'s thread used from %d to %d ms"
                    + " after the start, waiting for a silent server, next to the %d ms a spinning thread got meanwhile:"
                    + " select(timeout) sleeps in the kernel; a loop of selectNow() or non-blocking reads spins",
                    WINDOW_START.toMillis(), WINDOW_END.toMillis(), spun)
                    .isBetween(0L, Math.max(CPU_FLOOR_MILLIS, spun / 4));
        }
    }

    /** The CPU of a waiting echo() is measured from this long after its start ... */
    static final Duration WINDOW_START = Duration.ofMillis(500);
    /** ... to this long after it (its idle limit is 3 s): a busy loop spins for the whole second. */
    static final Duration WINDOW_END = Duration.ofMillis(1_500);
    /** A waiting echo() may use this much CPU in the window whatever the machine's load (a select() uses none). */
    static final long CPU_FLOOR_MILLIS = 10;

    /** Waits up to {@code limit} for {@code call} to end; ending early is fine (the caller looks at the result). */
    private static void awaitQuietly(java.util.concurrent.Future<?> call, Duration limit) throws InterruptedException {
        try {
            call.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // still waiting (the window goes on), or ended: both are read afterwards
        }
    }

    /**
     * "Nothing moves for 3 s" is a limit on silence, not on the whole echo: a server that answers in four parts 1.2 s
     * apart takes 3.6 s but is never silent for 3 s.
     */
    @Test
    @Order(6)
    void aSlowServerThatKeepsAnsweringIsNotCutOff() throws Exception {
        startSlowServer(4096, 4, Duration.ofMillis(1200));
        byte[] message = new byte[4096];
        new Random(24).nextBytes(message);
        try (SocketChannel s = connect()) {
            byte[] echo;
            try {
                echo = Within.call(Duration.ofSeconds(10), "echo from a slow server", () -> BigEchoClient.echo(s, message));
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("echo() gave up although the server answered a part every 1.2 s (4 parts, 3.6 s in"
                        + " all): the 3 s are the longest silence, so start them again whenever a byte moves; a deadline"
                        + " for the whole echo cuts off a slow but working server (" + e.getMessage() + ")", e);
            }
            assertThat(Arrays.mismatch(echo, message)).as("index of the first byte that differs (-1: none)").isEqualTo(-1);
        }
    }

    /**
     * The caller owns the channel: echo() leaves it open (a second message may follow) and closes its Selector on every
     * path, which also takes the channel off it. A Selector left open keeps an epoll descriptor, and the channel stays
     * registered, so it can never be made blocking again.
     */
    @Test
    @Order(3)
    void leavesTheChannelOpenAndNoSelectorBehind() throws Exception {
        startEchoServer(Long.MAX_VALUE);
        try (SocketChannel s = connect()) {
            for (String text : new String[] {"first\n", "second\n"}) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                assertThat(s.isOpen()).as("the channel before the echo of %s: echo() must not close the caller's channel",
                        text.strip()).isTrue();
                byte[] echo = Within.call(Duration.ofSeconds(5), "echo", () -> BigEchoClient.echo(s, bytes));
                assertThat(new String(echo, StandardCharsets.UTF_8)).as("two echoes in a row on one channel").isEqualTo(text);
                assertThat(s.isRegistered()).as("the channel after a complete echo is still registered with a Selector:"
                        + " close the Selector (try-with-resources), which also frees its epoll descriptor").isFalse();
            }
        }
        stop();
        listener = null;
        startEchoServer(1000);
        try (SocketChannel s = connect()) {
            try {
                Within.call(Duration.ofSeconds(5), "echo", () -> BigEchoClient.echo(s, new byte[2000]));
            } catch (IOException expected) {
                // the FIN came first: EOFException (checked by another test)
            }
            assertThat(s.isRegistered()).as("the channel after echo() gave up on an early FIN is still registered with a"
                    + " Selector: close the Selector on every path (try-with-resources), not only after a complete echo")
                    .isFalse();
        }
    }

    @Test
    @Order(2)
    void aServerThatStopsHalfwayIsAnEofException() throws Exception {
        startEchoServer(1000);
        byte[] message = new byte[2000];
        try (SocketChannel s = connect()) {
            byte[] echo = Within.call(Duration.ofSeconds(5), "echo", () -> BigEchoClient.echo(s, message));
            fail("echo() returned %d bytes although the server sent 1000 of 2000 and then its FIN: throw EOFException",
                    echo.length);
        } catch (EOFException expected) {
            assertThat(expected.getMessage()).as("the EOFException says how far it got").isNotBlank();
        } catch (IOException alsoFine) {
            // the server closed while our writer still wrote: a reset is also an honest failure
        }
    }
}
