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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** The narrated tour of 소켓 연결 종료 and the Four way handshake: FIN, half-close, SO_LINGER, RST, TIME_WAIT. */
public final class CloseDemo {

    private static final String CLOSE = "소켓 연결 종료";
    private static final String FOUR_WAY = "Four way handshake";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private CloseDemo() {
    }

    public static void main(String[] args) {
        Stages.main("CloseDemo", "How TCP connections end: FIN, half-close, SO_LINGER, RST and TIME_WAIT, in your own kernel.",
                stages(), args);
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("server-closes-first", FOUR_WAY, "the server closes first: it ends in TIME_WAIT",
                        n -> fourWay(n, Closer.SERVER)),
                new Stage("client-closes-first", FOUR_WAY, "the client closes first: now the client holds TIME_WAIT",
                        n -> fourWay(n, Closer.CLIENT)),
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

    /** A connected pair on loopback: the server's accepted socket and the client's. */
    private record Pair(Socket server, Socket client) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (server; client) {
                // both closed, whatever happened
            }
        }
    }

    private static Pair connect(ServerSocket listener) throws IOException {
        Socket client = new Socket();
        client.connect(listener.getLocalSocketAddress(), 5_000); // the kernel does the handshake
        Socket server = listener.accept();
        client.setSoTimeout(5_000);
        server.setSoTimeout(5_000);
        return new Pair(server, client);
    }

    private static ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(LOOPBACK, 0)); // port 0: the kernel picks a free port
        return s;
    }

    private static PacketCapture capture(Narrator n, int port) {
        PacketCapture c = PacketCapture.start(port);
        if (!c.running()) {
            n.note("no packets shown: " + c.unavailableReason());
        }
        return c;
    }

    private static void printSegments(Narrator n, PacketCapture c, int expected) {
        if (c.running()) {
            c.awaitSegments(expected, Duration.ofSeconds(2));
            List<Segment> segs = c.stop();
            n.segments(segs);
        }
    }

    static void fourWay(Narrator n, Closer first) throws Exception {
        try (ServerSocket listener = listen()) {
            int port = listener.getLocalPort();
            PacketCapture tcpdump = capture(n, port);
            try (Pair p = connect(listener)) {
                Socket active = first == Closer.SERVER ? p.server() : p.client();
                Socket passive = first == Closer.SERVER ? p.client() : p.server();
                String activeName = first == Closer.SERVER ? "server" : "client";
                String passiveName = first == Closer.SERVER ? "client" : "server";
                int a = active.getLocalPort();
                int b = active.getPort();
                n.program(activeName + ": close()  (the active closer)");
                active.close(); // close(): the kernel sends FIN; FIN_WAIT1, then FIN_WAIT2 once it is ACKed
                if (!n.available()) {
                    passive.getInputStream().read();
                    passive.close();
                    return;
                }
                SocketRow finWait2 = KernelAwait.await(a, b, TcpState.FIN_WAIT2, WAIT);
                SocketRow closeWait = KernelAwait.await(b, a, TcpState.CLOSE_WAIT, WAIT);
                n.row(finWait2);
                n.row(closeWait);
                n.note(activeName + " in FIN_WAIT2 (its FIN was ACKed), " + passiveName
                        + " in CLOSE_WAIT (waits for its program to close)");
                n.note("inode=0 and a timer on FIN_WAIT2: the program let go of the socket (close(), not shutdownOutput()),"
                        + " so Linux keeps a small stand-in that dies after tcp_fin_timeout (60 s) if no FIN comes");
                int r = passive.getInputStream().read(); // read() == -1: the FIN arrived
                n.program(passiveName + ": read() returned " + r + "  (end of stream)");
                // The pause is the subject: Linux delays the ACK of a FIN; closing at once would send
                // FIN+ACK together (three segments). Seeing FIN_WAIT2 above proved that ACK already left.
                Thread.sleep(OrderlyClose.SECOND_CLOSER_PAUSE);
                n.program(passiveName + ": close()  (the passive closer)");
                passive.close(); // close(): FIN from this side; LAST_ACK until it is ACKed
                SocketRow timeWait = KernelAwait.await(a, b, TcpState.TIME_WAIT, WAIT);
                KernelAwait.awaitGone(b, a, WAIT);
                n.row(timeWait);
                n.kernel("no row for " + b + " -> " + a + ": the " + passiveName + " keeps nothing");
                n.note("TIME_WAIT follows the side that closed first (here the " + activeName + "), with "
                        + timeWait.timerLeft().toSeconds() + " s of its 60 s left");
                printSegments(n, tcpdump, 7);
                n.note("FIN takes one sequence number: the ACK of a FIN with seq=X carries ack=X+1");
            } finally {
                tcpdump.stop();
            }
            if (first == Closer.SERVER) {
                n.simplifies("the article's figure lets the server close first; whoever calls close() first gets TIME_WAIT");
            }
        }
    }

    static void halfCloseFile(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.writeString(root.resolve("notes.txt"), "The FIN is the end of this file.\n".repeat(1000));
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            try (HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    Duration.ofSeconds(5), new PrintStream(serverLog, true, StandardCharsets.UTF_8))) {
                int port = server.start();
                n.program("client: sends \"notes.txt\\n\", reads until -1, then writes \"Thank you\"");
                ByteArrayOutputStream clientLog = new ByteArrayOutputStream();
                HalfCloseFileClient.download(LOOPBACK.getHostAddress(), port, "notes.txt", downloads.resolve("notes.txt"),
                        WAIT, new PrintStream(clientLog, true, StandardCharsets.UTF_8), ProgressLine.forConsole());
                clientLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line("client", l));
                server.shutdown(WAIT); // waits for the server's thread to print the Thank you
                serverLog.toString(StandardCharsets.UTF_8).lines().forEach(l -> n.line("server", l));
                n.note("shutdownOutput() sent FIN for one direction only: the file ended, the reply could still flow");
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
                LingerServer.sendAndClose(accepted, 1000, 0, n);
                InputStream in = client.getInputStream();
                byte[] got = in.readNBytes(1000); // the bytes sent before the RST are still there
                n.program("client: read " + got.length + " bytes sent before the RST");
                try {
                    int r = in.read();
                    n.program("client: read() returned " + r);
                } catch (IOException e) {
                    n.program("client: read() threw " + tcpip.cli.Cli.describe(e));
                }
                if (n.available()) {
                    int clientPort = client.getLocalPort();
                    boolean timeWait = SocketTable.read(r -> r.hasPort(port) && r.hasPort(clientPort)
                            && r.state() == TcpState.TIME_WAIT).stream().findAny().isPresent();
                    n.kernel(timeWait ? "a TIME_WAIT row remains?" : "no TIME_WAIT row on port " + port
                            + ": an RST ends the connection without the four-way close");
                }
                printSegments(n, tcpdump, 5);
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
            Duration took = LingerServer.sendAndClose(accepted, 64L << 20, 1, n);
            n.note("close() waited " + Narrator.human(took) + " (SO_LINGER 1 s) for an ACK that could not come; "
                    + "without SO_LINGER it returns at once and the kernel keeps sending in the background");
        }
    }

    static void closedPeer(Narrator n) throws Exception {
        try (ServerSocket listener = listen(); Pair p = connect(listener)) {
            Socket client = p.client();
            n.program("server: close() right away");
            p.server().close(); // FIN to the client
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            n.program("client: read() returned " + in.read() + "  (the server's FIN)");
            out.write("first".getBytes(StandardCharsets.UTF_8));
            n.program("client: write #1 returned normally: the kernel queued the bytes and sent them");
            if (n.available()) {
                KernelAwait.awaitGone(client.getLocalPort(), client.getPort(), WAIT);
                n.kernel("the client's row is gone: the closed server answered the data with RST");
            }
            try {
                out.write("second".getBytes(StandardCharsets.UTF_8));
                n.program("client: write #2 returned normally");
            } catch (IOException e) {
                n.program("client: write #2 threw " + tcpip.cli.Cli.describe(e));
            }
            n.program("client: read() returned " + in.read() + "  (the FIN was seen before the RST)");
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
        try (ServerSocket listener = listen()) {
            PacketCapture tcpdump = capture(n, listener.getLocalPort());
            try (Pair p = connect(listener)) {
                p.client().getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(p.server());
                n.program("server: Socket.close() with " + UNREAD.length + " unread bytes in its receive buffer");
                p.server().close(); // JDK: shutdown(SHUT_WR) = FIN; then close(2) with unread data = RST
                n.program("client: read() " + readOutcome(p.client().getInputStream()));
                printSegments(n, tcpdump, 7);
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
                printSegments(n, tcpdump, 6);
            } finally {
                tcpdump.stop();
            }
        }
    }

    private static final byte[] UNREAD = "a request nobody reads".getBytes(StandardCharsets.UTF_8);

    private static String readOutcome(InputStream in) {
        try {
            return "returned " + in.read();
        } catch (IOException e) {
            return "threw " + tcpip.cli.Cli.describe(e);
        }
    }

    static void timeWaitRestart(Narrator n) throws Exception {
        int port;
        int clientPort;
        try (ServerSocket first = TimeWaitRestartServer.open(LOOPBACK, 0, true)) {
            port = first.getLocalPort();
            try (Socket client = new Socket()) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try (Socket s = first.accept()) {
                        s.getOutputStream().write('x');
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } // the server closes first
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
        try (ServerSocket again = TimeWaitRestartServer.open(LOOPBACK, port, false)) {
            n.program("bind(" + port + ") with SO_REUSEADDR false: succeeded");
        } catch (IOException e) {
            n.program("bind(" + port + ") with SO_REUSEADDR false: " + tcpip.cli.Cli.describe(e));
        }
        try (ServerSocket again = TimeWaitRestartServer.open(LOOPBACK, port, true)) {
            n.program("bind(" + port + ") with SO_REUSEADDR true (Java's default on Linux): succeeded");
        }
        n.note("the TIME_WAIT rows keep the old listener's SO_REUSEADDR: had the first server turned it off,"
                + " even a restart with it on would fail");
        n.note("TIME_WAIT exists so a late duplicate of this connection cannot be taken for a new one,"
                + " and so the last ACK can be sent again if it was lost");
        n.simplifies("Linux keeps TIME_WAIT 60 s; the article's 240 s is 2 x MSL with RFC 793's 2-minute MSL, a Windows default");
    }

    static void gracefulShutdown(Narrator n) throws Exception {
        Path root = Files.createTempDirectory("close-demo-root");
        Path downloads = Files.createTempDirectory("close-demo-out");
        try {
            Files.write(root.resolve("big.bin"), new byte[8 << 20]);
            ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
            HalfCloseFileServer server = new HalfCloseFileServer(root, new InetSocketAddress(LOOPBACK, 0),
                    Duration.ofSeconds(5), new PrintStream(serverLog, true, StandardCharsets.UTF_8));
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
                    n.program("a new client: " + tcpip.cli.Cli.describe(e) + " (no listener: stopped accepting)");
                }
                long got = slow.getInputStream().transferTo(OutputStream.nullOutputStream()); // -1 = FIN
                n.program("the client in flight read " + got + " bytes, then -1: a FIN, not an RST");
                slow.getOutputStream().write("Thank you\n".getBytes(StandardCharsets.UTF_8));
                slow.close();
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
