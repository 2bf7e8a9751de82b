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
import tcpip.cli.Lang;
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
        tcpip.cli.PrivateNetwork.enter(args); // not root: continue in a private network namespace, with packets
        Lang.chooseFrom(args); // before the stage titles and the summary are looked up
        Stages.main("CloseDemo", CloseMessages.get("CloseDemo.summary"), stages(), args);
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("server-closes-first", FOUR_WAY, title("server-closes-first"),
                        n -> fourWay(n, Closer.SERVER, false)),
                new Stage("client-closes-first", FOUR_WAY, title("client-closes-first"),
                        n -> fourWay(n, Closer.CLIENT, true)),
                new Stage("half-close-file", CLOSE, title("half-close-file"),
                        CloseDemo::halfCloseFile),
                new Stage("linger-zero", CLOSE, title("linger-zero"),
                        CloseDemo::lingerZero),
                new Stage("linger-timeout", CLOSE, title("linger-timeout"),
                        CloseDemo::lingerTimeout),
                new Stage("closed-peer", CLOSE, title("closed-peer"),
                        CloseDemo::closedPeer),
                new Stage("unread-close", CLOSE, title("unread-close"),
                        CloseDemo::unreadClose),
                new Stage("time-wait-restart", "TIME_WAIT", title("time-wait-restart"),
                        CloseDemo::timeWaitRestart),
                new Stage("graceful-shutdown", CLOSE, title("graceful-shutdown"),
                        CloseDemo::gracefulShutdown));
    }

    /** A stage's title in the current language; the article section beside it stays the article's own title. */
    private static String title(String stage) {
        return CloseMessages.get("CloseDemo.title." + stage);
    }

    private static PacketCapture capture(Narrator n, int port) {
        PacketCapture c = PacketCapture.start(port);
        if (!c.running()) {
            n.note(CloseMessages.get("CloseDemo.noPackets", c.unavailableReason()));
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
            n.note(CloseMessages.get("CloseDemo.nothingCaptured"));
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
            n.note(CloseMessages.get("CloseDemo.nothingCaptured"));
            return;
        }
        n.segments(segs);
        Optional<CloseCapture.FourWay> close = CloseCapture.fourWay(segs, activePort);
        if (close.isEmpty()) {
            n.result(CloseMessages.get("CloseDemo.noCompleteClose", activePort));
            return;
        }
        n.result(close.get().shape());
        close.get().relations().forEach(n::result);
    }

    static void fourWay(Narrator n, Closer first, boolean quick) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket active = first == Closer.SERVER ? p.server() : p.client();
            Socket passive = first == Closer.SERVER ? p.client() : p.server();
            String who = first == Closer.SERVER ? "CloseDemo.serverFirst." : "CloseDemo.clientFirst."; // one key per side
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
                    n.program(CloseMessages.get(who + "activeClose"));
                    n.program(CloseMessages.get(who + "passiveReadCloseAtOnce", r));
                } else {
                    n.program(CloseMessages.get(who + "activeClose"));
                    OrderlyClose.closeFirst(active);
                    if (n.available()) {
                        SocketRow finWait2 = KernelAwait.await(a, b, TcpState.FIN_WAIT2, WAIT);
                        SocketRow closeWait = KernelAwait.await(b, a, TcpState.CLOSE_WAIT, WAIT);
                        n.kernel(CloseStates.describe(finWait2));
                        n.kernel(CloseStates.describe(closeWait));
                        n.note(CloseMessages.get(who + "finWait2CloseWait"));
                        n.note(CloseStates.finTimeoutNote(finWait2));
                    }
                    n.code(OrderlyClose.class, "await-fin");
                    n.program(CloseMessages.get(who + "passiveReadEnd", OrderlyClose.awaitFin(passive)));
                    n.code(OrderlyClose.class, "close-second");
                    n.program(CloseMessages.get(who + "passiveCloseAfterAck"));
                    OrderlyClose.closeSecond(passive, Duration.ZERO);
                }
                if (n.available()) {
                    SocketRow timeWait = KernelAwait.await(a, b, TcpState.TIME_WAIT, WAIT);
                    KernelAwait.awaitGone(b, a, WAIT);
                    n.kernel(CloseStates.describe(timeWait));
                    n.kernel(CloseMessages.get(who + "passiveKeepsNothing", b, a));
                    n.note(CloseMessages.get(who + "timeWaitFollows",
                            String.format("%.2f", timeWait.timerLeft().toMillis() / 1000.0)));
                }
                if (tcpdump.running()) {
                    tcpdump.awaitSegments(quick ? 3 : 4, Duration.ofSeconds(2));
                    showClose(n, tcpdump.stop(), a);
                }
            } finally {
                tcpdump.stop();
            }
            if (first == Closer.SERVER) {
                n.simplifies(CloseMessages.get("CloseDemo.simplifies.serverFirst"));
            } else {
                n.simplifies(CloseMessages.get("CloseDemo.simplifies.threeSegments"));
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
                        WAIT, new PrintStream(clientLog, true, StandardCharsets.UTF_8), bytes -> { }, false);
                String client = CloseMessages.get("CloseDemo.label.client");
                clientLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(client, l));
                server.shutdown(WAIT); // waits for the server's thread to print the Thank you
                String serverLabel = CloseMessages.get("CloseDemo.label.server");
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(serverLabel, l));
                n.note(CloseMessages.get("CloseDemo.halfClose.oneDirection"));
                n.note(CloseMessages.get("CloseDemo.halfClose.framing"));
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
                n.program(CloseMessages.get("CloseDemo.lingerZero.readBeforeRst", got.length));
                n.program(readOutcome(in));
                if (n.available()) {
                    int clientPort = client.getLocalPort();
                    boolean timeWait = SocketTable.read(r -> r.hasPort(port) && r.hasPort(clientPort)
                            && r.state() == TcpState.TIME_WAIT).stream().findAny().isPresent();
                    n.kernel(timeWait ? CloseMessages.get("CloseDemo.lingerZero.timeWaitRemains")
                            : CloseMessages.get("CloseDemo.lingerZero.noTimeWait", port));
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
            n.note(CloseMessages.get("CloseDemo.lingerTimeout.clientDoesNotRead"));
            n.code(Linger.class, "fill");
            Duration took = LingerServer.sendAndClose(accepted, 64L << 20, 1, n);
            n.note(CloseMessages.get("CloseDemo.lingerTimeout.closeWaited", Narrator.human(took)));
        }
    }

    static void closedPeer(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket client = p.client();
            n.program(CloseMessages.get("CloseDemo.closedPeer.serverCloses"));
            p.server().close(); // FIN to the client
            n.code(ClosedPeer.class, "read-fin");
            n.program(CloseMessages.get("CloseDemo.closedPeer.readFin", ClosedPeer.read(client)));
            n.code(ClosedPeer.class, "write-first");
            ClosedPeer.writeFirst(client, "first".getBytes(StandardCharsets.UTF_8));
            n.program(CloseMessages.get("CloseDemo.closedPeer.write1"));
            if (n.available()) {
                KernelAwait.awaitGone(client.getLocalPort(), client.getPort(), WAIT);
                n.kernel(CloseMessages.get("CloseDemo.closedPeer.rowGone"));
            }
            n.code(ClosedPeer.class, "write-after-rst");
            try {
                ClosedPeer.writeAfterReset(client, "second".getBytes(StandardCharsets.UTF_8));
                n.program(CloseMessages.get("CloseDemo.closedPeer.write2Returned"));
            } catch (IOException e) {
                n.program(CloseMessages.get("CloseDemo.closedPeer.write2Threw", Cli.describe(e)));
            }
            n.program(CloseMessages.get("CloseDemo.closedPeer.readAfterRst", ClosedPeer.read(client)));
        }
    }

    static void unreadClose(Narrator n) throws Exception {
        n.note(CloseMessages.get("CloseDemo.unread.socketClose"));
        unreadCloseSocket(n);
        n.note(CloseMessages.get("CloseDemo.unread.channelClose"));
        unreadCloseChannel(n);
        n.note(CloseMessages.get("CloseDemo.unread.why"));
    }

    private static void unreadCloseSocket(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            PacketCapture tcpdump = capture(n, p.serverPort());
            try {
                p.client().getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(p.server());
                n.code(ClosedPeer.class, "close-unread");
                n.program(CloseMessages.get("CloseDemo.unread.serverSocketClose", UNREAD.length));
                ClosedPeer.closeUnread(p.server());
                n.program(readOutcome(p.client().getInputStream()));
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
                n.program(CloseMessages.get("CloseDemo.unread.serverChannelClose", UNREAD.length));
                server.close(); // close(2) with unread data: Linux sends RST only
                n.program(readOutcome(client.getInputStream()));
                List<Segment> segs = printSegments(n, tcpdump, 6);
                if (!segs.isEmpty()) {
                    n.result(CloseCapture.abortive(segs, ((InetSocketAddress) listener.getLocalAddress()).getPort()));
                }
            } finally {
                tcpdump.stop();
            }
        }
    }

    /** The client's next read(), as one sentence: what it returned, or what it threw. */
    private static String readOutcome(InputStream in) {
        try {
            return CloseMessages.get("CloseDemo.clientReadReturned", in.read());
        } catch (IOException e) {
            return CloseMessages.get("CloseDemo.clientReadThrew", Cli.describe(e));
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
        n.program(CloseMessages.get("CloseDemo.restart.firstServer", port));
        if (n.available()) {
            SocketTable.connection(port, clientPort).ifPresent(n::row);
        }
        n.code(ReuseAddress.class, "restart");
        try (ServerSocket again = ReuseAddress.listen(LOOPBACK, port, false)) {
            n.program(CloseMessages.get("CloseDemo.restart.noReuseBound", port));
        } catch (IOException e) {
            n.program(CloseMessages.get("CloseDemo.restart.noReuseFailed", port, Cli.describe(e)));
        }
        try (ServerSocket again = ReuseAddress.listen(LOOPBACK, port, true)) {
            n.program(CloseMessages.get("CloseDemo.restart.reuseBound", port));
        }
        n.note(CloseMessages.get("CloseDemo.restart.rowsKeepReuse"));
        n.note(CloseMessages.get("CloseDemo.restart.whyTimeWait"));
        n.simplifies(CloseMessages.get("CloseDemo.simplifies.timeWaitLength"));
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
                            && r.txQueue() > 0, WAIT, CloseMessages.get("CloseDemo.await.transferInFlight"));
                }
                n.program(CloseMessages.get("CloseDemo.shutdown.start"));
                CompletableFuture<HalfCloseFileServer.ShutdownReport> report =
                        CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(5)));
                if (n.available()) {
                    KernelAwait.awaitTable(rows -> rows.stream().noneMatch(r -> r.localPort() == port
                            && r.state() == TcpState.LISTEN), WAIT, CloseMessages.get("CloseDemo.await.listenerClosed"));
                }
                try (Socket late = new Socket()) {
                    late.connect(new InetSocketAddress(LOOPBACK, port), 1_000);
                    n.program(CloseMessages.get("CloseDemo.shutdown.lateConnected"));
                } catch (ConnectException e) {
                    n.program(CloseMessages.get("CloseDemo.shutdown.lateRefused", Cli.describe(e)));
                }
                long got = slow.getInputStream().transferTo(OutputStream.nullOutputStream()); // -1 = FIN
                n.program(CloseMessages.get("CloseDemo.shutdown.inFlightRead", got));
                HalfClose.thankYou(slow);
                HalfCloseFileServer.ShutdownReport r = report.get(10, TimeUnit.SECONDS);
                n.result(CloseMessages.get("CloseDemo.shutdown.finished", r.finished(), r.aborted()));
                String serverLabel = CloseMessages.get("CloseDemo.label.server");
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line(serverLabel, l));
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
