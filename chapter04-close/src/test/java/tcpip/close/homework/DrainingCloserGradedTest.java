package tcpip.close.homework;

import tcpip.kernel.Background;
import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;
import tcpip.testing.Weight;

/** Grades DrainingCloser: the server's connection must end with FIN both ways, never with RST. */
@ExtendWith(TodoHint.class)
@Timeout(30)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the cheap checks first: a wrong solution fails sooner
class DrainingCloserGradedTest {

    /** Points in the score table. */
    static final int POINTS = 10;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(DrainingCloser.class);

    private static final byte[] REQUEST = "REQUEST\n".getBytes(StandardCharsets.UTF_8);
    private static final int EXTRA = 64 * 1024;
    /** The drain deadline: the reference drains in milliseconds; a solution that waits for it is slow by 1.5 s. */
    private static final Duration DRAIN_DEADLINE = Duration.ofMillis(1500);

    @Test
    @Order(4)
    void unreadBytesAreDrainedSoTheCloseIsAFourWayHandshakeNotAReset() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(10_000);
                Socket server = listener.accept();
                int serverPort = server.getLocalPort();
                int clientPort = client.getLocalPort();
                client.getOutputStream().write(REQUEST);
                client.getOutputStream().write(new byte[EXTRA]); // more than the server will read
                CompletableFuture<String> clientSaw = CompletableFuture.supplyAsync(() -> readToEnd(client), Background.OWN_THREAD);

                server.getInputStream().readNBytes(REQUEST.length);
                server.getOutputStream().write("RESPONSE\n".getBytes(StandardCharsets.UTF_8));
                long discarded = Within.call(Duration.ofSeconds(8), "drainAndClose",
                        () -> DrainingCloser.drainAndClose(server, DRAIN_DEADLINE));

                assertThat(clientSaw.get(5, TimeUnit.SECONDS))
                        .as("the client must read the response and then -1 (your FIN from shutdownOutput())")
                        .isEqualTo("RESPONSE\n<end of stream>");
                assertThat(discarded).as("bytes the client sent that the server never read: drain them all before close()")
                        .isEqualTo(EXTRA);
                try {
                    KernelAwait.await(serverPort, clientPort, TcpState.TIME_WAIT, Duration.ofSeconds(2));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("The kernel shows no TIME_WAIT row for the server's side: the connection "
                            + "ended with RST, not FIN/ACK/FIN/ACK. Linux resets when close() finds unread bytes; "
                            + "read until -1 (the client's FIN) before close().", e);
                }
            }
        }
    }

    @Test
    @Order(1)
    void aClientThatNeverClosesCannotHoldTheServerPastTheDeadline() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(10_000);
                Socket server = listener.accept();
                long start = System.nanoTime();
                Within.call(Duration.ofSeconds(2), "drainAndClose with a 300 ms deadline",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofMillis(300)));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(took).as("drainAndClose must give up at the deadline (300 ms) when the client never sends FIN;"
                        + " set a read timeout for the time left").isLessThan(Duration.ofSeconds(2));
                assertThat(server.isClosed()).as("the socket must be closed at the end").isTrue();
                assertThat(client.getInputStream().read()).as("the client sees your FIN: read() == -1").isEqualTo(-1);
            }
        }
    }

    /**
     * Deadlines under a millisecond, against a client that sends nothing and never closes: the time left for a read is
     * then under 1 ms, and a read timeout of {@code (int) Duration.ofNanos(left).toMillis()} is 0, which
     * setSoTimeout() takes as "wait forever". Several deadlines, so that one run that happens to find no time left at
     * all (a busy machine) cannot hide the mistake; 1 ns has no time left from the start.
     */
    @Test
    @Order(4)
    void deadlinesUnderAMillisecondStillEndTheDrain() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            for (long nanos : new long[] {999_999, 900_000, 750_000, 500_000, 1}) {
                try (Socket client = new Socket()) {
                    client.connect(listener.getLocalSocketAddress(), 5_000);
                    client.setSoTimeout(5_000);
                    Socket server = listener.accept();
                    try {
                        Within.call(Duration.ofSeconds(2), "drainAndClose with a deadline of " + nanos + " ns (under 1"
                                + " ms) and a client that never closes (a read timeout of (int) toMillis() of the time"
                                + " left is 0 under 1 ms, and setSoTimeout(0) waits forever: stop when under 1 ms is"
                                + " left, or wait at least 1 ms)",
                                () -> DrainingCloser.drainAndClose(server, Duration.ofNanos(nanos)));
                        assertThat(server.isClosed()).as("the socket must be closed at the end (deadline %d ns)", nanos)
                                .isTrue();
                        assertThat(client.getInputStream().read()).as("the client sees your FIN: read() == -1 (deadline"
                                + " %d ns)", nanos).isEqualTo(-1);
                    } finally {
                        server.close();
                    }
                }
            }
        }
    }

    /** The deadline is for the whole drain: a client that sends a byte every 50 ms must not keep the server. */
    @Test
    @Order(2)
    void aTricklingClientCannotHoldTheServerPastTheDeadlineEither() throws Exception {
        // A per-read timeout passes only if the trickle itself stops for a whole deadline. On a loaded machine a
        // thread can (a build once paused it past 1 s): a run whose trickle paused that long proves nothing either
        // way, and runs again (at most three runs in all).
        Trickle run = trickleAgainstTheDeadline();
        for (int runs = 1; run.longestPause().compareTo(TRICKLE_DEADLINE) >= 0 && runs < 3; runs++) {
            run = trickleAgainstTheDeadline();
        }
        assertThat(run.took()).as("drainAndClose took %d ms with a 1 s deadline while the client sent a byte every"
                + " 50 ms: a read timeout set once is per read, and every byte starts it again; give each read"
                + " only the time left until the deadline", run.took().toMillis()).isLessThan(Duration.ofMillis(3000));
        assertThat(run.closed()).as("the socket must be closed at the end").isTrue();
    }

    private static final Duration TRICKLE_DEADLINE = Duration.ofSeconds(1);
    /** The trickle's bytes, one every 50 ms: 8 s of sending, far past the 3 s a drain may take. */
    private static final int TRICKLE_BYTES = 160;

    /**
     * How long drainAndClose took, whether it closed, and the trickle's longest pause while it was still sending
     * (after its last byte the silence is the trickle's end, not a pause: a per-read timeout returns a deadline later).
     */
    private record Trickle(Duration took, boolean closed, Duration longestPause) {
    }

    private static Trickle trickleAgainstTheDeadline() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                Socket server = listener.accept();
                CountDownLatch stop = new CountDownLatch(1);
                AtomicLong longest = new AtomicLong();
                long start = System.nanoTime();
                AtomicLong last = new AtomicLong(start);
                AtomicBoolean sentAll = new AtomicBoolean();
                // A platform thread (a virtual one waited for a carrier for over 500 ms once, with the build's test
                // classes side by side): a byte every 50 ms, for up to 8 s, each pause between bytes measured.
                Thread trickle = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        int sent = 0;
                        while (sent < TRICKLE_BYTES && !stop.await(50, TimeUnit.MILLISECONDS)) {
                            client.getOutputStream().write('.');
                            sent++;
                            long now = System.nanoTime();
                            longest.accumulateAndGet(now - last.getAndSet(now), Math::max);
                        }
                        sentAll.set(sent == TRICKLE_BYTES);
                    } catch (IOException | InterruptedException e) {
                        // the server closed: what this test wants
                    }
                });
                Within.call(Duration.ofSeconds(10), "drainAndClose with a 1 s deadline",
                        () -> DrainingCloser.drainAndClose(server, TRICKLE_DEADLINE));
                long done = System.nanoTime();
                Duration took = Duration.ofNanos(done - start);
                stop.countDown();
                trickle.join(5_000);
                // the pause still going on when drainAndClose returned counts too, unless the trickle had sent all
                // its bytes: then a per-read timeout ran out after the last one, and running again changes nothing
                long pause = sentAll.get() ? longest.get() : Math.max(longest.get(), done - last.get());
                return new Trickle(took, server.isClosed(), Duration.ofNanos(pause));
            }
        }
    }

    @Test
    @Order(3)
    void theClientSeesOurFinFirstAndItsLastWordsAreDrained() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(10_000);
                Socket server = listener.accept();
                // This client speaks only after it has read -1 (the server's FIN): then it says goodbye and closes.
                CompletableFuture<String> clientSaw = CompletableFuture.supplyAsync(() -> {
                    try {
                        int first = client.getInputStream().read();
                        client.getOutputStream().write("BYE\n".getBytes(StandardCharsets.UTF_8));
                        client.close();
                        return first == -1 ? "<end of stream>" : "a byte instead of the end of stream";
                    } catch (IOException e) {
                        return "client failed: " + e;
                    }
                }, Background.OWN_THREAD);
                long start = System.nanoTime();
                long discarded = Within.call(Duration.ofSeconds(8), "drainAndClose",
                        () -> DrainingCloser.drainAndClose(server, DRAIN_DEADLINE));
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(clientSaw.get(5, TimeUnit.SECONDS)).as("what the client read first").isEqualTo("<end of stream>");
                assertThat(took).as("drainAndClose took %d ms with a 1.5 s deadline: the client waits for your FIN before it"
                        + " closes, so call shutdownOutput() BEFORE reading; reading first waits out the deadline",
                        took.toMillis()).isLessThan(Duration.ofMillis(1000));
                assertThat(discarded).as("the client's last bytes (\"BYE\\n\") after your FIN are read and counted")
                        .isEqualTo(4);
            }
        }
    }

    @Test
    @Order(2)
    void bytesTheClientSendsRightAwayAreDrainedNotReset() throws Exception {
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(10_000);
                Socket server = listener.accept();
                client.getOutputStream().write(new byte[EXTRA]);
                CompletableFuture<String> clientSaw = CompletableFuture.supplyAsync(() -> readToEnd(client), Background.OWN_THREAD);
                long discarded = Within.call(Duration.ofSeconds(8), "drainAndClose",
                        () -> DrainingCloser.drainAndClose(server, DRAIN_DEADLINE));
                assertThat(clientSaw.get(5, TimeUnit.SECONDS)).as("the client must see a clean end of stream, not"
                        + " \"Connection reset\": Linux sends RST when close() finds unread bytes, so read until -1"
                        + " before close()").isEqualTo("<end of stream>");
                assertThat(discarded).as("bytes discarded").isEqualTo(EXTRA);
            }
        }
    }

    /**
     * One server ends five connections in a row, each client different, with sizes and deadlines the checks above do
     * not use: a client with 200 KB the server never read, one that answers our FIN in Korean, one that trickles, one
     * that stays silent, one that resets. Weighted so that a mistake on any one path (no FIN first, no drain, no
     * deadline, a deadline per read, no close on the reset path) keeps at most half of the points.
     */
    @Test
    @Order(5)
    @Weight(7)
    void aServerEndsFiveDifferentClientsEachOnItsOwnTerms() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int big = 200_000;
            try (Socket client = connect(listener)) { // 1: unread bytes, then the client closes after our FIN
                Socket server = listener.accept();
                CompletableFuture<String> clientSaw = CompletableFuture.supplyAsync(() -> { // more than the buffers hold
                    try {
                        client.getOutputStream().write(REQUEST);
                        client.getOutputStream().write(new byte[big]);
                    } catch (IOException e) {
                        return "client failed while sending: " + e;
                    }
                    return readToEnd(client);
                }, Background.OWN_THREAD);
                server.getInputStream().readNBytes(REQUEST.length);
                server.getOutputStream().write("완료\n".getBytes(StandardCharsets.UTF_8));
                long discarded = Within.call(Duration.ofSeconds(8), "step 1: drainAndClose with 200 KB unread",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofSeconds(3)));
                assertThat(clientSaw.get(5, TimeUnit.SECONDS)).as("step 1: what the client read").isEqualTo("완료\n<end of stream>");
                assertThat(discarded).as("step 1: bytes drained").isEqualTo(big);
                try {
                    KernelAwait.await(server.getLocalPort(), client.getLocalPort(), TcpState.TIME_WAIT, Duration.ofSeconds(2));
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("step 1: no TIME_WAIT row for the server's side: the close was an RST", e);
                }
            }
            byte[] goodbye = "잘 가\n".getBytes(StandardCharsets.UTF_8);
            try (Socket client = connect(listener)) { // 2: speaks only after our FIN, then closes
                Socket server = listener.accept();
                CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
                    try {
                        int b = client.getInputStream().read();
                        client.getOutputStream().write(goodbye);
                        client.close();
                        return b;
                    } catch (IOException e) {
                        return -2;
                    }
                }, Background.OWN_THREAD);
                long start = System.nanoTime();
                long discarded = Within.call(Duration.ofSeconds(8), "step 2: drainAndClose, FIN first",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofSeconds(3)));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(first.get(5, TimeUnit.SECONDS)).as("step 2: the client's first read (-1: your FIN)").isEqualTo(-1);
                assertThat(tookMs).as("step 2: ms to end a client that closes right after your FIN (deadline 3 s): FIN"
                        + " first, then read").isLessThan(1500);
                assertThat(discarded).as("step 2: the client's goodbye, %d bytes", goodbye.length).isEqualTo(goodbye.length);
            }
            try (Socket client = connect(listener)) { // 3: a byte every 50 ms, deadline 400 ms
                Socket server = listener.accept();
                CountDownLatch stop = new CountDownLatch(1);
                // A platform thread: a virtual one waited more than 500 ms for a carrier once, with the build's
                // test classes side by side, and a per-read timeout then passed this test.
                Thread trickle = Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < 120 && !stop.await(50, TimeUnit.MILLISECONDS); i++) {
                            client.getOutputStream().write('.');
                        }
                    } catch (IOException | InterruptedException e) {
                        // the server closed
                    }
                });
                long start = System.nanoTime();
                Within.call(Duration.ofSeconds(8), "step 3: drainAndClose of a trickling client, deadline 400 ms",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofMillis(400)));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                stop.countDown();
                trickle.join(5_000);
                assertThat(tookMs).as("step 3: ms with a 400 ms deadline for the whole drain").isLessThan(1600);
                assertThat(server.isClosed()).as("step 3: the socket closed").isTrue();
            }
            try (Socket client = connect(listener)) { // 4: silent, deadline 200 ms
                Socket server = listener.accept();
                long start = System.nanoTime();
                Within.call(Duration.ofSeconds(3), "step 4: drainAndClose of a silent client, deadline 200 ms",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofMillis(200)));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(tookMs).as("step 4: ms with a 200 ms deadline").isLessThan(1500);
                assertThat(server.isClosed()).as("step 4: the socket closed").isTrue();
                assertThat(client.getInputStream().read()).as("step 4: the client sees your FIN").isEqualTo(-1);
            }
            Socket server;
            try (Socket client = connect(listener)) { // 5: resets
                server = listener.accept();
                client.getOutputStream().write(new byte[1000]);
                client.setSoLinger(true, 0);
            }
            KernelAwait.awaitGone(server.getLocalPort(), server.getPort(), Duration.ofSeconds(3));
            try {
                Within.call(Duration.ofSeconds(4), "step 5: drainAndClose of a reset connection",
                        () -> DrainingCloser.drainAndClose(server, Duration.ofSeconds(1)));
            } catch (IOException expected) {
                // telling the caller is fine
            }
            try {
                assertThat(server.isClosed()).as("step 5: the socket after a reset: closed on every path").isTrue();
            } finally {
                server.close();
            }
        }
    }

    private static Socket connect(ServerSocket listener) throws IOException {
        Socket client = new Socket();
        client.connect(listener.getLocalSocketAddress(), 5_000);
        client.setSoTimeout(10_000);
        return client;
    }

    private static String readToEnd(Socket s) {
        try {
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            s.close(); // the client's FIN
            return text + "<end of stream>";
        } catch (IOException e) {
            return "client failed: " + e;
        }
    }

    /** A client that resets while the server drains: drainAndClose() may throw, but it closes the socket all the same. */
    @Test
    @Order(2)
    void aClientThatResetsIsClosedAllTheSame() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Socket server;
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalSocketAddress(), 5_000);
                server = listener.accept();
                client.getOutputStream().write(REQUEST);
                client.setSoLinger(true, 0);
            } // the client's close() with SO_LINGER 0: RST
            KernelAwait.awaitGone(server.getLocalPort(), server.getPort(), Duration.ofSeconds(3)); // the RST arrived
            try {
                Within.call(Duration.ofSeconds(4), "drainAndClose of a reset connection",
                        () -> DrainingCloser.drainAndClose(server, DRAIN_DEADLINE));
            } catch (IOException expected) {
                // "Connection reset": telling the caller is fine
            }
            try {
                assertThat(server.isClosed()).as("the socket after drainAndClose() met a reset (shutdownOutput() or"
                        + " read() threw): close it on every path (try-with-resources or finally), or its descriptor"
                        + " stays open").isTrue();
            } finally {
                server.close();
            }
        }
    }
}
