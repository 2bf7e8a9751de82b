package tcpip.close;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.net.LoopbackPair;

/** The narrated tour of 소켓 연결 종료 and the Four way handshake: FIN, half-close, SO_LINGER, RST, TIME_WAIT. */
public final class CloseDemo {

    private static final String CLOSE = "소켓 연결 종료";
    private static final String FOUR_WAY = "Four way handshake";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final byte[] UNREAD = "a request nobody reads".getBytes(StandardCharsets.UTF_8);

    private CloseDemo() {
    }

    public static void main(String[] args) {
        Stages.main("CloseDemo", "How TCP connections end: FIN, half-close, SO_LINGER, RST and TIME_WAIT, in your own kernel.",
                stages(), args);
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("server-closes-first", FOUR_WAY, "the server closes first: it ends in TIME_WAIT",
                        n -> fourWay(n, Closer.SERVER, false)),
                new Stage("client-closes-first", FOUR_WAY, "the client closes first and the server closes at once",
                        n -> fourWay(n, Closer.CLIENT, true)),
                new Stage("half-close-file", CLOSE, "half-close: the FIN marks the end of a file, the other direction stays open",
                        CloseDemo::halfCloseFile),
                new Stage("linger-zero", CLOSE, "SO_LINGER 0: close() sends RST instead of FIN",
                        CloseDemo::lingerZero),
                new Stage("linger-timeout", CLOSE, "SO_LINGER 1: close() blocks while the peer's window is full",
                        CloseDemo::lingerTimeout),
                new Stage("closed-peer", CLOSE, "writing to a peer that closed: ok, RST, then Broken pipe",
                        CloseDemo::closedPeer),
                new Stage("unread-close", CLOSE, "close() with unread data: RST at once, no FIN",
                        CloseDemo::unreadClose),
                new Stage("time-wait-restart", "TIME_WAIT", "restarting a server on a port held by TIME_WAIT",
                        CloseDemo::timeWaitRestart),
                new Stage("graceful-shutdown", CLOSE, "Ctrl-C done right: stop accepting, finish transfers, then close",
                        CloseDemo::gracefulShutdown));
    }

    private static PacketCapture capture(Narrator n, int port) {
        PacketCapture c = PacketCapture.start(port);
        if (!c.running()) {
            n.note("no packets shown: " + c.unavailableReason());
        }
        return c;
    }

    /** Waits (bounded) until the captured segments satisfy {@code done}, one more segment at a time. */
    private static void awaitUntil(PacketCapture c, java.util.function.Predicate<List<Segment>> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (c.running() && !done.test(c.segments()) && System.nanoTime() < deadline) {
            c.awaitSegments(c.segments().size() + 1, Duration.ofMillis(100)); // returns when tcpdump prints more
        }
    }

    private static List<Segment> printSegments(Narrator n, PacketCapture c, int expected) {
        if (!c.running()) {
            return List.of();
        }
        c.awaitSegments(expected, Duration.ofSeconds(2));
        List<Segment> segs = c.stop();
        if (segs.isEmpty()) {
            n.note("tcpdump ran but captured nothing on this port: nothing below is proven by packets");
        }
        n.segments(segs);
        return segs;
    }

    /**
     * Prints the captured segments of a close, then what they show, computed from their numbers:
     * three or four segments, and each FIN's ACK = its seq + 1 (or "does NOT match").
     */
    static void showClose(Narrator n, List<Segment> segs, int activePort) {
        if (segs.isEmpty()) {
            n.note("tcpdump ran but captured nothing on this port: nothing below is proven by packets");
            return;
        }
        n.segments(segs);
        Optional<CloseCapture.FourWay> close = CloseCapture.fourWay(segs, activePort);
        if (close.isEmpty()) {
            n.result("no complete FIN, FIN, ACK sequence from port " + activePort + " in the capture");
            return;
        }
        n.result(close.get().shape());
        close.get().relations().forEach(n::result);
    }

    static void fourWay(Narrator n, Closer first, boolean quick) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket active = first == Closer.SERVER ? p.server() : p.client();
            Socket passive = first == Closer.SERVER ? p.client() : p.server();
            String activeName = first == Closer.SERVER ? "server" : "client";
            String passiveName = first == Closer.SERVER ? "client" : "server";
            int a = active.getLocalPort();
            int b = active.getPort();
            PacketCapture tcpdump = capture(n, p.serverPort());
            try {
                n.code(OrderlyClose.class, "close-first");
                if (quick) { // the three calls back to back: any narration between them would delay the second FIN
                    warmUp(); // a cold JVM needs longer for read() + close() than the kernel waits to send its ACK
                    n.code(OrderlyClose.class, "await-fin");
                    n.code(OrderlyClose.class, "close-second");
                    OrderlyClose.closeFirst(active);
                    int r = OrderlyClose.awaitFin(passive);
                    OrderlyClose.closeSecond(passive, Duration.ZERO);
                    n.program(activeName + ": close()  (the active closer)");
                    n.program(passiveName + ": read() returned " + r + ", then close() at once  (the passive closer)");
                } else {
                    n.program(activeName + ": close()  (the active closer)");
                    OrderlyClose.closeFirst(active);
                    if (n.available()) {
                        SocketRow finWait2 = KernelAwait.await(a, b, TcpState.FIN_WAIT2, WAIT);
                        SocketRow closeWait = KernelAwait.await(b, a, TcpState.CLOSE_WAIT, WAIT);
                        n.kernel(CloseStates.describe(finWait2));
                        n.kernel(CloseStates.describe(closeWait));
                        n.note(activeName + " in FIN_WAIT2 (its FIN was ACKed), " + passiveName
                                + " in CLOSE_WAIT (waits for its program to close)");
                        n.note(CloseStates.finTimeoutNote(finWait2));
                    }
                    n.code(OrderlyClose.class, "await-fin");
                    n.program(passiveName + ": read() returned " + OrderlyClose.awaitFin(passive) + "  (end of stream)");
                    n.code(OrderlyClose.class, "close-second");
                    n.program(passiveName + ": close()  (the passive closer), after the ACK of the first FIN already"
                            + " left (FIN_WAIT2 above)");
                    OrderlyClose.closeSecond(passive, Duration.ZERO);
                }
                if (n.available()) {
                    SocketRow timeWait = KernelAwait.await(a, b, TcpState.TIME_WAIT, WAIT);
                    KernelAwait.awaitGone(b, a, WAIT);
                    n.kernel(CloseStates.describe(timeWait));
                    n.kernel("no row for " + b + " -> " + a + ": the " + passiveName + " keeps nothing");
                    n.note("TIME_WAIT follows the side that closed first (here the " + activeName + "); its timer showed "
                            + String.format("%.2f", timeWait.timerLeft().toMillis() / 1000.0) + " s left");
                }
                if (tcpdump.running()) {
                    tcpdump.awaitSegments(quick ? 3 : 4, Duration.ofSeconds(2));
                    showClose(n, tcpdump.stop(), a);
                }
            } finally {
                tcpdump.stop();
            }
            if (first == Closer.SERVER) {
                n.simplifies("the article's figure lets the server close first; whoever calls close() first gets TIME_WAIT");
            } else {
                n.simplifies("the article draws four segments; when the second close() follows at once, the kernel's"
                        + " delayed ACK of the first FIN rides on the second FIN and three are enough");
            }
        }
    }

    /** One uncaptured quick close, so the JVM has loaded and compiled the read() and close() paths. */
    private static void warmUp() throws IOException, InterruptedException {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            OrderlyClose.closeFirst(p.client());
            OrderlyClose.awaitFin(p.server());
            OrderlyClose.closeSecond(p.server(), Duration.ZERO);
        }
    }

    static void halfCloseFile(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.writeString(root.resolve("notes.txt"), "The FIN is the end of this file.\n".repeat(1000));
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            try (HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    WAIT, new PrintStream(serverLog, true, StandardCharsets.UTF_8))) {
                int port = server.start();
                n.code(HalfClose.class, "receive");
                n.code(HalfClose.class, "send");
                n.code(HalfClose.class, "half-close");
                n.code(HalfClose.class, "thank-you");
                ByteArrayOutputStream clientLog = new ByteArrayOutputStream();
                HalfCloseFileClient.download(LOOPBACK.getHostAddress(), port, "notes.txt", downloads.resolve("notes.txt"),
                        WAIT, new PrintStream(clientLog, true, StandardCharsets.UTF_8), bytes -> { });
                clientLog.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("took "))
                        .forEach(l -> n.line("client", l));
                server.shutdown(WAIT); // waits for the server's thread to print the Thank you
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line("server", l));
                n.note("shutdownOutput() sent FIN for one direction only: the file ended, the reply could still flow");
                n.note("the size header and the SHA-256 trailer let the client tell this FIN from the FIN of a server"
                        + " that died mid-file (its kernel sends FIN too)");
            }
        } finally {
            deleteTree(root);
            deleteTree(downloads);
        }
    }

    static void lingerZero(Narrator n) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            PacketCapture tcpdump = capture(n, port);
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalAddress(), 5_000);
                client.setSoTimeout(5_000);
                SocketChannel accepted = listener.accept();
                n.code(Linger.class, "linger-close");
                LingerServer.sendAndClose(accepted, 1000, 0, n);
                InputStream in = client.getInputStream();
                byte[] got = in.readNBytes(1000); // the bytes sent before the RST are still there
                n.program("client: read " + got.length + " bytes sent before the RST");
                try {
                    int r = in.read();
                    n.program("client: read() returned " + r);
                } catch (IOException e) {
                    n.program("client: read() threw " + Cli.describe(e));
                }
                if (n.available()) {
                    int clientPort = client.getLocalPort();
                    boolean timeWait = SocketTable.read(r -> r.hasPort(port) && r.hasPort(clientPort)
                            && r.state() == TcpState.TIME_WAIT).stream().findAny().isPresent();
                    n.kernel(timeWait ? "a TIME_WAIT row remains?" : "no TIME_WAIT row on port " + port
                            + ": an RST ends the connection without the four-way close");
                }
                List<Segment> segs = printSegments(n, tcpdump, 5);
                if (!segs.isEmpty()) {
                    n.result(CloseCapture.abortive(segs, port));
                }
            } finally {
                tcpdump.stop();
            }
        }
    }

    static void lingerTimeout(Narrator n) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(); Socket client = new Socket()) {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            client.setReceiveBufferSize(16 * 1024); // a small window that fills quickly
            client.connect(listener.getLocalAddress(), 5_000);
            SocketChannel accepted = listener.accept();
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            n.note("the client does not read: its receive window fills, so our data cannot all be ACKed");
            n.code(Linger.class, "fill");
            Duration took = LingerServer.sendAndClose(accepted, 64L << 20, 1, n);
            n.note("close() waited " + Narrator.human(took) + " (SO_LINGER 1 s) for an ACK that could not come; "
                    + "without SO_LINGER it returns at once and the kernel keeps sending in the background");
        }
    }

    static void closedPeer(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket client = p.client();
            n.program("server: close() right away");
            p.server().close(); // FIN to the client
            n.code(ClosedPeer.class, "read-fin");
            n.program("client: read() returned " + ClosedPeer.read(client) + "  (the server's FIN)");
            n.code(ClosedPeer.class, "write-first");
            ClosedPeer.writeFirst(client, "first".getBytes(StandardCharsets.UTF_8));
            n.program("client: write #1 returned normally: the kernel queued the bytes and sent them");
            if (n.available()) {
                KernelAwait.awaitGone(client.getLocalPort(), client.getPort(), WAIT);
                n.kernel("the client's row is gone: the closed server answered the data with RST");
            }
            n.code(ClosedPeer.class, "write-after-rst");
            try {
                ClosedPeer.writeAfterReset(client, "second".getBytes(StandardCharsets.UTF_8));
                n.program("client: write #2 returned normally");
            } catch (IOException e) {
                n.program("client: write #2 threw " + Cli.describe(e));
            }
            n.program("client: read() returned " + ClosedPeer.read(client) + "  (the FIN was seen before the RST)");
        }
    }

    static void unreadClose(Narrator n) throws Exception {
        n.note("1) java.net.Socket.close(): the JDK calls shutdown(SHUT_WR) first (FIN), then close(2)");
        unreadCloseSocket(n);
        n.note("2) SocketChannel.close(): the JDK calls close(2) only");
        unreadCloseChannel(n);
        n.note("Linux's close(2) with unread data sends RST at once and no FIN (RFC 2525 2.17: tell the peer data was lost);"
                + " the FIN before it comes from java.net.Socket's own shutdown(SHUT_WR)");
    }

    private static void unreadCloseSocket(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            PacketCapture tcpdump = capture(n, p.serverPort());
            try {
                p.client().getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(p.server());
                n.code(ClosedPeer.class, "close-unread");
                n.program("server: Socket.close() with " + UNREAD.length + " unread bytes in its receive buffer");
                ClosedPeer.closeUnread(p.server());
                n.program("client: read() " + readOutcome(p.client().getInputStream()));
                // DATA, ACK, FIN, RST, and sometimes the client's ACK of the FIN before the RST: wait for the RST.
                awaitUntil(tcpdump, segs -> segs.stream().anyMatch(Segment::rst), Duration.ofSeconds(2));
                List<Segment> segs = printSegments(n, tcpdump, 4);
                if (!segs.isEmpty()) {
                    n.result(CloseCapture.finThenRst(segs, p.serverPort()));
                }
            } finally {
                tcpdump.stop();
            }
        }
    }

    private static void unreadCloseChannel(Narrator n) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            PacketCapture tcpdump = capture(n, ((InetSocketAddress) listener.getLocalAddress()).getPort());
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalAddress(), 5_000);
                client.setSoTimeout(5_000);
                SocketChannel server = listener.accept();
                client.getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(server.socket());
                n.program("server: SocketChannel.close() with " + UNREAD.length + " unread bytes in its receive buffer");
                server.close(); // close(2) with unread data: Linux sends RST only
                n.program("client: read() " + readOutcome(client.getInputStream()));
                List<Segment> segs = printSegments(n, tcpdump, 6);
                if (!segs.isEmpty()) {
                    n.result(CloseCapture.abortive(segs, ((InetSocketAddress) listener.getLocalAddress()).getPort()));
                }
            } finally {
                tcpdump.stop();
            }
        }
    }

    private static String readOutcome(InputStream in) {
        try {
            return "returned " + in.read();
        } catch (IOException e) {
            return "threw " + Cli.describe(e);
        }
    }

    static void timeWaitRestart(Narrator n) throws Exception {
        int port;
        int clientPort;
        n.code(ReuseAddress.class, "close-first");
        try (ServerSocket first = ReuseAddress.listen(LOOPBACK, 0, true)) {
            port = first.getLocalPort();
            try (Socket client = new Socket()) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try {
                        ReuseAddress.serveAndCloseFirst(first.accept());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                client.connect(first.getLocalSocketAddress(), 5_000);
                client.setSoTimeout(5_000);
                client.getInputStream().readAllBytes(); // until the server's FIN
                served.get(5, TimeUnit.SECONDS);
                clientPort = client.getLocalPort();
                client.close();
                if (n.available()) {
                    KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, WAIT);
                }
            }
        }
        n.program("first server on port " + port + " served one client, closed first, and stopped");
        if (n.available()) {
            SocketTable.connection(port, clientPort).ifPresent(n::row);
        }
        n.code(ReuseAddress.class, "restart");
        try (ServerSocket again = ReuseAddress.listen(LOOPBACK, port, false)) {
            n.program("bind(" + port + ") with SO_REUSEADDR false: succeeded");
        } catch (IOException e) {
            n.program("bind(" + port + ") with SO_REUSEADDR false: " + Cli.describe(e));
        }
        try (ServerSocket again = ReuseAddress.listen(LOOPBACK, port, true)) {
            n.program("bind(" + port + ") with SO_REUSEADDR true (Java's default on Linux): succeeded");
        }
        n.note("the TIME_WAIT rows keep the old listener's SO_REUSEADDR: had the first server turned it off,"
                + " even a restart with it on would fail");
        n.note("TIME_WAIT exists so a late duplicate of this connection cannot be taken for a new one,"
                + " and so the last ACK can be sent again if it was lost");
        n.simplifies("Linux keeps TIME_WAIT for its fixed TCP_TIMEWAIT_LEN (the timer above counts it down); the"
                + " article's 240 s is 2 x MSL with RFC 793's 2-minute MSL, a Windows default");
    }

    static void gracefulShutdown(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.write(root.resolve("big.bin"), new byte[8 << 20]);
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    WAIT, new PrintStream(serverLog, true, StandardCharsets.UTF_8));
            int port = server.start();
            try (Socket slow = new Socket()) {
                slow.setReceiveBufferSize(64 * 1024);
                slow.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
                slow.setSoTimeout(5_000);
                slow.getOutputStream().write("big.bin\n".getBytes(StandardCharsets.UTF_8));
                if (n.available()) { // the transfer is in flight: the server waits for the client's window
                    KernelAwait.awaitRow(r -> r.localPort() == port && r.remotePort() == slow.getLocalPort()
                            && r.txQueue() > 0, WAIT, "a transfer in flight");
                }
                n.program("shutdown(deadline 5 s) while one 8 MiB transfer is in flight");
                CompletableFuture<HalfCloseFileServer.ShutdownReport> report =
                        CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(5)));
                if (n.available()) {
                    KernelAwait.awaitTable(rows -> rows.stream().noneMatch(r -> r.localPort() == port
                            && r.state() == TcpState.LISTEN), WAIT, "listener closed");
                }
                try (Socket late = new Socket()) {
                    late.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
                    n.program("a new client connected?");
                } catch (ConnectException e) {
                    n.program("a new client: " + Cli.describe(e) + " (no listener: stopped accepting)");
                }
                long got = slow.getInputStream().transferTo(OutputStream.nullOutputStream()); // -1 = FIN
                n.program("the client in flight read " + got + " bytes (header, file, trailer), then -1: a FIN, not an RST");
                HalfClose.thankYou(slow);
                HalfCloseFileServer.ShutdownReport r = report.get(10, TimeUnit.SECONDS);
                n.result("shutdown finished: " + r.finished() + " transfer(s) ended with FIN, " + r.aborted() + " reset");
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line("server", l));
            } finally {
                server.close();
            }
        } finally {
            deleteTree(root);
            deleteTree(downloads);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
