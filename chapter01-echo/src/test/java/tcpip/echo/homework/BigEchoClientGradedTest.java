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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades BigEchoClient against an echo server with small buffers, so a write-then-read client never finishes. */
@ExtendWith(TodoHint.class)
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
        listener.close();
        server.join(3_000);
    }

    @Test
    void aShortMessageComesBack() throws Exception {
        startEchoServer(Long.MAX_VALUE);
        byte[] hello = "hello, kernel\n".getBytes(StandardCharsets.UTF_8);
        try (SocketChannel s = connect()) {
            byte[] echo = Within.call(Duration.ofSeconds(5), "echo", () -> BigEchoClient.echo(s, hello));
            assertThat(new String(echo, StandardCharsets.UTF_8)).as("the echo of a short message").isEqualTo("hello, kernel\n");
        }
    }

    @Test
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
    @Weight(2)
    void aSilentServerEndsInASocketTimeoutWithoutSpinning() throws Exception {
        startSilentServer();
        byte[] message = new byte[64 * 1024];
        try (SocketChannel s = connect()) {
            long[] cpuNanos = {-1};
            java.util.concurrent.FutureTask<byte[]> call = new java.util.concurrent.FutureTask<>(() -> {
                try {
                    return BigEchoClient.echo(s, message);
                } finally {
                    cpuNanos[0] = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                }
            });
            // A spinning thread beside it shows how much CPU a busy loop would get on this (maybe loaded) machine.
            java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean(true);
            long[] spinnerNanos = {0};
            Thread spinner = Thread.ofPlatform().daemon().name("busy-loop yardstick").start(() -> {
                long n = 0;
                while (waiting.get()) {
                    n++;
                }
                spinnerNanos[0] = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()
                        + (n & 0); // n is used: the loop is not optimised away
            });
            long start = System.nanoTime();
            Thread.ofPlatform().daemon().name("exercise: echo to a silent server").start(call);
            try {
                byte[] echo;
                try {
                    echo = call.get(8, TimeUnit.SECONDS);
                } finally {
                    waiting.set(false);
                    spinner.join(2_000);
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
            assertThat(cpuNanos[0] / 1_000_000).as("CPU ms echo()'s thread used while it waited %d ms for a silent"
                    + " server, next to the %d ms a spinning thread got meanwhile: select(timeout) sleeps in the kernel;"
                    + " a loop of selectNow() or non-blocking reads spins", took, spinnerNanos[0] / 1_000_000)
                    .isLessThan(Math.max(50, spinnerNanos[0] / 1_000_000 / 4));
        }
    }

    @Test
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
