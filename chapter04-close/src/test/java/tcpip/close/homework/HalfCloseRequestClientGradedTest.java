package tcpip.close.homework;

import tcpip.kernel.Background;
import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
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

/** Grades HalfCloseRequestClient against a server that answers only after the request's FIN. */
@ExtendWith(TodoHint.class)
@Timeout(30)
class HalfCloseRequestClientGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(HalfCloseRequestClient.class);

    private static final int RESPONSE_REPEAT = 50_000;
    private ServerSocket server;
    private CompletableFuture<String> seenByServer;

    /** Reads the request until -1 (the client's FIN), then answers with it in upper case, many times over. */
    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        seenByServer = CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                String request = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                s.getOutputStream().write(request.toUpperCase().repeat(RESPONSE_REPEAT).getBytes(StandardCharsets.UTF_8));
                return request;
            } catch (IOException e) {
                return "server failed: " + e;
            }
        }, Background.OWN_THREAD);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    @Test
    void theRequestEndsWithAFinAndTheWholeResponseIsRead() throws Exception {
        String response;
        try {
            response = Within.call(Duration.ofSeconds(6), "request", () -> HalfCloseRequestClient.request(
                    "127.0.0.1", server.getLocalPort(), "ping\n", Duration.ofSeconds(2)));
        } catch (SocketTimeoutException e) {
            fail("No response within 2 s: the server reads your request until read() returns -1, which only happens "
                    + "when your side sends FIN. Call socket.shutdownOutput() after writing the request.");
            return;
        }
        assertThat(seenByServer.get(5, TimeUnit.SECONDS)).as("what the server read before your FIN").isEqualTo("ping\n");
        assertThat(response)
                .as("the response is %d bytes and arrives in many segments: keep reading until read() returns -1 "
                        + "(the server's FIN), one read() is not enough", 5 * RESPONSE_REPEAT)
                .hasSize(5 * RESPONSE_REPEAT)
                .startsWith("PING\nPING\n");
    }

    /**
     * A response in Korean: 3 bytes per Hangul syllable, and 700 KB arrive in many reads whose ends fall inside
     * characters. Decode the bytes once, after the last read; a String per read() cuts characters in two.
     */
    @Test
    void aResponseInKoreanComesBackWhole() throws Exception {
        String request = "핑 요청\n";
        String response = Within.call(Duration.ofSeconds(6), "request", () -> HalfCloseRequestClient.request(
                "127.0.0.1", server.getLocalPort(), request, Duration.ofSeconds(2)));
        assertThat(seenByServer.get(5, TimeUnit.SECONDS)).as("what the server read before your FIN (write UTF-8)")
                .isEqualTo(request);
        int broken = response.indexOf('\uFFFD');
        assertThat(broken).as("index of the first replacement character (-1: none) in the %d-character response: a"
                + " Hangul syllable is 3 UTF-8 bytes, and a read() may end after 1 or 2 of them; collect every byte, then"
                + " decode once", response.length()).isEqualTo(-1);
        assertThat(response).as("the response: the request %d times", RESPONSE_REPEAT).isEqualTo(request.repeat(RESPONSE_REPEAT));
    }

    /**
     * One client against four servers in a row, with inputs the checks above do not use: a Korean request and a
     * 560 KB Korean response, an empty response (only a FIN), a server that never answers (250 ms timeout, and no
     * socket left open), and a server whose accept queue is full. Weighted so that a mistake on any one path (no FIN,
     * one read, decoding per read, no read or connect timeout, a socket left open) keeps at most half of the points.
     */
    @Test
    @Weight(5)
    void oneClientMeetsFourServersEachOnItsOwnTerms() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tcpip.kernel.SocketTable.available(),
                tcpip.kernel.SocketTable.unavailableMessage());
        String request = "한글 요청: 가나다라\n"; // with "응답 ", 35 bytes (odd): reads of 2^k bytes end inside characters
        String reply = "응답 " + request;
        int repeat = 16_000;
        try (ServerSocket answering = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> seen = answerOnce(answering, r -> ("응답 " + r).repeat(repeat));
            String response = Within.call(Duration.ofSeconds(6), "step 1: request with a Korean reply",
                    () -> HalfCloseRequestClient.request("127.0.0.1", answering.getLocalPort(), request, Duration.ofSeconds(2)));
            assertThat(seen.get(5, TimeUnit.SECONDS)).as("step 1: what the server read before your FIN").isEqualTo(request);
            assertThat(response.indexOf('\uFFFD')).as("step 1: first replacement character in the response (-1: none)")
                    .isEqualTo(-1);
            assertThat(response.length()).as("step 1: characters in the response").isEqualTo(reply.length() * repeat);
            assertThat(response).as("step 1: the response").isEqualTo(reply.repeat(repeat));

            CompletableFuture<String> seenEmpty = answerOnce(answering, r -> "");
            String empty = Within.call(Duration.ofSeconds(6), "step 2: request whose reply is only a FIN",
                    () -> HalfCloseRequestClient.request("127.0.0.1", answering.getLocalPort(), "x", Duration.ofSeconds(2)));
            assertThat(seenEmpty.get(5, TimeUnit.SECONDS)).as("step 2: what the server read").isEqualTo("x");
            assertThat(empty).as("step 2: a server that answers with its FIN alone: an empty response").isEmpty();
        }
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch stepDone = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Integer> clientPort = new CompletableFuture<>();
            CompletableFuture<ClientSide> client = new CompletableFuture<>();
            Thread holder = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    clientPort.complete(s.getPort());
                    client.complete(ClientSide.find(s.getPort(), silent));
                    s.setSoTimeout(5_000);
                    s.getInputStream().readAllBytes();
                    stepDone.await(5, TimeUnit.SECONDS);
                } catch (IOException | InterruptedException e) {
                    // the client gave up
                }
            });
            long start = System.nanoTime();
            String[] atTimeout = {""};
            try {
                Within.call(Duration.ofSeconds(2), "step 3: request to a silent server", () -> requestNoting(client,
                        atTimeout, "127.0.0.1", silent.getLocalPort(), "ping\n", Duration.ofMillis(250)));
                fail("step 3: request() returned although the server never answered");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("step 3: time to give up with a 250 ms timeout")
                        .isLessThan(Duration.ofMillis(1500));
            }
            int port = clientPort.get(3, TimeUnit.SECONDS);
            assertThat(atTimeout[0]).as("step 3: what the client socket's descriptor pointed at as request() threw its"
                    + " timeout (\"\": closed)").isEqualTo(ClientSide.CLOSED);
            assertThat(clientSideInode(port, silent))
                    .as("step 3: inode of the client's side after the timeout (0: no descriptor holds it)").isZero();
            stepDone.countDown();
            holder.join(5_000);
        }
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket first = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort());
                Socket second = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort())) {
            tcpip.kernel.KernelAwait.await(full.getLocalPort(), second.getLocalPort(), tcpip.kernel.TcpState.ESTABLISHED,
                    Duration.ofSeconds(5));
            long start = System.nanoTime();
            try {
                Within.call(Duration.ofSeconds(3), "step 4: request to a server whose accept queue is full",
                        () -> HalfCloseRequestClient.request("127.0.0.1", full.getLocalPort(), "ping\n", Duration.ofMillis(250)));
                fail("step 4: request() returned although the server never accepted the connection");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("step 4: time to give up with a 250 ms timeout")
                        .isLessThan(Duration.ofMillis(1500));
            }
        }
    }

    /** Accepts one connection, reads the request until the client's FIN, answers {@code reply} of it, then FIN. */
    private static CompletableFuture<String> answerOnce(ServerSocket listener,
            java.util.function.UnaryOperator<String> reply) {
        return CompletableFuture.supplyAsync(() -> { // a thread of its own: the pool's may all wait in accept()
            try (Socket s = listener.accept()) {
                s.setSoTimeout(10_000);
                String request = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                s.getOutputStream().write(reply.apply(request).getBytes(StandardCharsets.UTF_8));
                return request;
            } catch (IOException e) {
                return "server failed: " + e;
            }
        }, r -> Thread.ofVirtual().start(r));
    }

    /** A server whose accept queue is full drops the SYN: only a connect timeout ends the wait (Linux: after ~2 min). */
    @Test
    void aServerWhoseAcceptQueueIsFullEndsInATimeoutNotAHang() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tcpip.kernel.SocketTable.available(),
                tcpip.kernel.SocketTable.unavailableMessage());
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket first = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort());
                Socket second = new Socket(InetAddress.getLoopbackAddress(), full.getLocalPort())) {
            // backlog 1 holds two finished connections; the kernel drops the next SYN
            tcpip.kernel.KernelAwait.await(full.getLocalPort(), second.getLocalPort(), tcpip.kernel.TcpState.ESTABLISHED,
                    Duration.ofSeconds(5));
            long start = System.nanoTime();
            try {
                Within.call(Duration.ofSeconds(3), "request to a server whose accept queue is full",
                        () -> HalfCloseRequestClient.request("127.0.0.1", full.getLocalPort(), "ping\n",
                                Duration.ofMillis(300)));
                fail("request() returned although the server never accepted the connection");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to give up with a 300 ms timeout:"
                        + " pass it to connect(address, timeout) too").isLessThan(Duration.ofSeconds(2));
            }
        }
    }

    @Test
    void aServerThatNeverAnswersEndsInATimeoutNotAHang() throws Exception {
        for (int round = 1; round <= SILENT_ROUNDS; round++) {
            oneSilentServer(round);
        }
    }

    /**
     * Rounds of {@link #aServerThatNeverAnswersEndsInATimeoutNotAHang}: each looks at a fresh client socket as its
     * timeout is thrown, so an answer that leaves its socket open is seen unless a GC and the JDK's Cleaner closed it in
     * each round's moment between the throw and the look (which a GC every 3 ms on a loaded machine managed about once
     * in 20 looks).
     */
    private static final int SILENT_ROUNDS = 3;

    private static void oneSilentServer(int round) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch testDone = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Integer> clientPort = new CompletableFuture<>();
            CompletableFuture<ClientSide> client = new CompletableFuture<>();
            Thread holder = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept()) {
                    clientPort.complete(s.getPort());
                    client.complete(ClientSide.find(s.getPort(), silent));
                    s.setSoTimeout(5_000);
                    s.getInputStream().readAllBytes(); // reads the request, then says nothing and keeps the connection
                    testDone.await(5, TimeUnit.SECONDS); // silent, connection kept, until the test is over
                } catch (IOException | InterruptedException e) {
                    // the client gave up: that is what this test wants
                }
            });
            long start = System.nanoTime();
            String[] atTimeout = {""};
            try {
                Within.call(Duration.ofSeconds(2), "request to a silent server", () -> requestNoting(client, atTimeout,
                        "127.0.0.1", silent.getLocalPort(), "ping\n", Duration.ofMillis(300)));
                fail("request() returned although the server never answered and never sent FIN");
            } catch (SocketTimeoutException expected) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to give up with a 300 ms timeout")
                        .isLessThan(Duration.ofSeconds(2));
            }
            if (tcpip.kernel.SocketTable.available()) {
                assertThat(atTimeout[0]).as("round %d: what the client socket's descriptor pointed at as request() threw"
                        + " its timeout (\"\": closed): still a socket, so it was left open; close it on every path"
                        + " (try-with-resources)", round).isEqualTo(ClientSide.CLOSED);
                int port = clientPort.get(3, TimeUnit.SECONDS);
                assertThat(clientSideInode(port, silent))
                        .as("inode of the client's side (port %d) after request() gave up: not 0, so a descriptor of"
                        + " this process still holds the socket; close it on every path (try-with-resources)", port)
                        .isZero();
            }
            testDone.countDown();
            holder.join(5_000);
        }
    }

    /**
     * The client's socket as the kernel knows it while request() still waits for the silent server: its inode and the
     * descriptor that holds it ({@code fd} -1: not found, or no kernel view here).
     */
    private record ClientSide(long inode, int fd) {
        static final String CLOSED = "";

        static ClientSide find(int clientPort, ServerSocket silent) {
            if (!tcpip.kernel.SocketTable.available() || !tcpip.kernel.Descriptors.available()) {
                return new ClientSide(0, -1);
            }
            long inode = clientSideInode(clientPort, silent);
            return new ClientSide(inode, tcpip.kernel.Descriptors.ofInode(inode).map(d -> d.fd()).orElse(-1));
        }

        /** What the descriptor points at now ("socket:[INODE]"), CLOSED if it is gone or holds something else. */
        String now() {
            if (fd < 0) {
                return CLOSED;
            }
            try {
                String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/" + fd)).toString();
                return link.equals("socket:[" + inode + "]") ? link : CLOSED;
            } catch (IOException e) {
                return CLOSED;
            }
        }
    }

    /**
     * Calls request() and, the moment it throws its timeout, notes in {@code atTimeout} what the client socket's
     * descriptor points at. A socket the answer left open is closed by the JDK's Cleaner once a GC finds it
     * unreachable, which may happen before a later look at the kernel's table (a leaking answer passed that way once,
     * on a busy machine); this look comes first, a system call after the answer's frame is gone, before the test
     * allocates anything.
     */
    private static String requestNoting(CompletableFuture<ClientSide> client, String[] atTimeout, String host, int port,
            String request, Duration timeout) throws IOException {
        try {
            return HalfCloseRequestClient.request(host, port, request, timeout);
        } catch (SocketTimeoutException e) {
            ClientSide side = client.getNow(null);
            atTimeout[0] = side == null ? CLOSED_UNKNOWN : side.now();
            throw e;
        }
    }

    /** The client's descriptor was not found before the timeout (a very slow machine): the table check below decides. */
    private static final String CLOSED_UNKNOWN = ClientSide.CLOSED;

    /**
     * The inode of the client's row (127.0.0.1:clientPort to the silent server's 127.0.0.1 port), 0 if none. Both
     * addresses count, not only the ports: another test's connection between the same two port numbers on ::1 (its own
     * listener there, its own ephemeral port) once showed its inode here.
     */
    private static long clientSideInode(int clientPort, ServerSocket silent) {
        return tcpip.kernel.SocketTable.connectionRows(clientPort, silent.getLocalPort()).stream()
                .filter(r -> r.localAddress().equals(silent.getInetAddress())
                        && r.remoteAddress().equals(silent.getInetAddress()))
                .mapToLong(r -> r.inode()).max().orElse(0L);
    }
}
