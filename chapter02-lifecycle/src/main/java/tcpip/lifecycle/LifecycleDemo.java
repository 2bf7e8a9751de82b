package tcpip.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * The life of a connection up to the first byte, in one JVM on loopback: socket creation,
 * connect, the handshake the kernel does without accept(), a full accept queue, a refused port,
 * options that must precede the handshake, retrying, and the packets themselves.
 */
public final class LifecycleDemo {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration KERNEL_WAIT = Duration.ofSeconds(3);
    private static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    private static final int SMALL_BACKLOG = 2;
    private static final int SMALL_RCVBUF = 4 * 1024;
    private static final int HANDSHAKE_SEGMENTS = 3;
    /** The default port of this chapter's server and client mains. */
    private static final int CHAPTER_PORT = 7102;

    private LifecycleDemo() {
    }

    public static void main(String[] args) {
        Stages.main("LifecycleDemo", "Socket creation, connect and the three-way handshake, seen in the kernel.",
                stages(), args);
    }

    /** The stages in the article's order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("creation", "소켓 생성", "when the kernel hands out the descriptor", LifecycleDemo::creation),
                new Stage("connect", "소켓 연결 설정", "ephemeral port, connect time, the rows", LifecycleDemo::connect),
                new Stage("handshake-in-kernel", "Three way handshake", "ESTABLISHED before accept()",
                        LifecycleDemo::handshakeInKernel),
                new Stage("backlog-full-timeout", "Three way handshake", "backlog N completes N+1, then timeouts",
                        LifecycleDemo::backlogFull),
                new Stage("refused", "소켓 연결 설정", "nobody listening: RST at once", LifecycleDemo::refused),
                new Stage("options-before-handshake", "Three way handshake", "SO_RCVBUF and SO_REUSEADDR come first",
                        LifecycleDemo::optionsBeforeHandshake),
                new Stage("retry", "소켓 연결 설정", "retry with backoff until the server is up", LifecycleDemo::retry),
                new Stage("packets", "Three way handshake", "SYN, SYN+ACK, ACK on the wire", LifecycleDemo::packets));
    }

    static void creation(Narrator n) throws IOException {
        List<Descriptor> before = Descriptors.tcpSockets();
        try (Socket socket = new Socket()) {
            n.program("new Socket()");
            n.kernel("new TCP descriptors: " + Descriptors.newTcpSockets(before).size()
                    + " (java.net.Socket waits for bind, connect or the first option)");
            socket.setReceiveBufferSize(SMALL_RCVBUF); // the first option needs a real socket: socket() runs now
            n.program("socket.setReceiveBufferSize(" + SMALL_RCVBUF + ")");
            n.kernel("new TCP descriptors: " + Descriptors.newTcpSockets(before));
        }
        try (SocketChannel channel = SocketChannel.open()) { // socket() runs at once
            List<Descriptor> created = Descriptors.newTcpSockets(before);
            n.program("SocketChannel.open()");
            n.kernel("new TCP descriptors: " + created + " (at once)");
            n.note("the number is the article's 번호표: the program names the socket by it; the inode in"
                    + " socket:[...] is how the kernel's own tables name it");
            try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK)) {
                channel.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
                int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                n.program("channel.connect(127.0.0.1:" + server.getLocalPort() + ")");
                if (n.available()) {
                    SocketRow row = SocketTable.connection(local, server.getLocalPort()).orElseThrow();
                    n.row(row);
                    n.descriptorOf(row);
                    n.note("this row is the control information the article mentions: addresses, state,"
                            + " queues, timer; it appeared with connect(), not with socket()");
                }
            }
        }
    }

    static void connect(Narrator n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK);
                Socket client = new Socket()) {
            int port = server.getLocalPort();
            n.program("server: bind + listen on 127.0.0.1:" + port);
            long start = System.nanoTime();
            // connect(): the kernel picks a free local port, sends SYN, returns when SYN+ACK arrives.
            client.connect(new InetSocketAddress(LOOPBACK, port));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            n.program("client: connect() returned after " + Narrator.human(took)
                    + " (the first connect in a JVM also loads the JDK's networking classes)");
            n.kernel("local port " + client.getLocalPort() + ": ephemeral, chosen by the kernel from "
                    + ephemeralRange());
            if (n.available()) {
                n.row(KernelAwait.await(client.getLocalPort(), port, TcpState.ESTABLISHED, KERNEL_WAIT));
                n.row(KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT));
                n.kernel("LISTEN row, accept queue = " + acceptQueue(port) + ": the finished connection waits there");
            }
            try (Socket accepted = server.accept()) {
                n.program("server: accept()");
                if (n.available()) {
                    n.kernel("LISTEN row, accept queue = " + acceptQueue(port) + " after accept()");
                    n.descriptorOf(SocketTable.connection(port, client.getLocalPort()).orElseThrow());
                }
            }
        }
    }

    static void handshakeInKernel(Narrator n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            int port = server.getLocalPort();
            n.program("server: listen, no accept() yet; client: connect() returned");
            if (n.available()) {
                SocketRow serverEnd = KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                n.row(serverEnd);
                n.note("the server's end is ESTABLISHED and has inode 0: the kernel did SYN, SYN+ACK, ACK by"
                        + " itself; no descriptor belongs to it yet");
            }
            try (Socket accepted = server.accept()) {
                n.program("server: accept()");
                if (n.available()) {
                    SocketRow row = SocketTable.connection(port, client.getLocalPort()).orElseThrow();
                    n.row(row);
                    n.descriptorOf(row);
                }
                n.simplifies("the article's picture has the server program answer the SYN; in Linux the"
                        + " kernel answers it, and accept() only hands over a finished connection");
            }
        }
    }

    static void backlogFull(Narrator n) throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK)) {
            int port = server.getLocalPort();
            n.program("server: listen with backlog " + SMALL_BACKLOG + ", never accept()");
            for (int i = 1; i <= SMALL_BACKLOG + 2; i++) {
                Socket client = new Socket();
                long start = System.nanoTime();
                try {
                    client.connect(new InetSocketAddress(LOOPBACK, port), (int) SHORT_CONNECT_TIMEOUT.toMillis());
                } catch (SocketTimeoutException e) {
                    client.close();
                    n.result("client " + i + ": " + Cli.describe(e) + " after "
                            + Narrator.human(Duration.ofNanos(System.nanoTime() - start)));
                    n.kernel("the queue was full, so the kernel dropped our SYN: no SYN+ACK, no RST, only silence"
                            + " (the client would resend the SYN after 1 s, 3 s, 7 s...)");
                    break;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                clients.add(client);
                if (n.available()) {
                    // Wait until the server's kernel has queued it (our final ACK processed).
                    KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, KERNEL_WAIT);
                }
                n.result("client " + i + ": connected in " + Narrator.human(took)
                        + (n.available() ? ", accept queue now " + acceptQueue(port) : ""));
            }
            n.simplifies("backlog " + SMALL_BACKLOG + " let " + clients.size() + " connections complete: Linux"
                    + " treats the queue as full only when it holds more than backlog");
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }

    static void refused(Narrator n) throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback(); Socket client = new Socket()) {
            n.program("port " + reserved.port() + " is bound by a socket that never listens");
            long start = System.nanoTime();
            try {
                client.connect(new InetSocketAddress(LOOPBACK, reserved.port()), (int) SHORT_CONNECT_TIMEOUT.toMillis());
                n.result("connected?! something listens on " + reserved.port());
            } catch (ConnectException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                n.result(Cli.describe(e) + " after " + Narrator.human(took));
                n.kernel("no socket listens there, so the kernel answered our SYN with RST at once");
                n.note("a dropped SYN looks different: silence until the connect timeout ("
                        + Narrator.human(SHORT_CONNECT_TIMEOUT) + " in the backlog-full-timeout stage). Refused"
                        + " means: the machine is there, nobody listens. Timed out: the SYN got no answer.");
            }
        }
    }

    static void optionsBeforeHandshake(Narrator n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK)) {
            int port = server.getLocalPort();
            for (BufferOptionsClient.When when : BufferOptionsClient.When.values()) {
                try (Socket client = new Socket()) {
                    if (when == BufferOptionsClient.When.BEFORE_CONNECT) {
                        client.setReceiveBufferSize(SMALL_RCVBUF); // the SYN's window scale will fit this buffer
                    }
                    client.connect(new InetSocketAddress(LOOPBACK, port)); // the scales are agreed here
                    if (when == BufferOptionsClient.When.AFTER_CONNECT) {
                        client.setReceiveBufferSize(SMALL_RCVBUF); // too late: the SYN has gone
                    }
                    try (Socket accepted = server.accept()) {
                        n.program("SO_RCVBUF " + SMALL_RCVBUF + " set " + when.name().toLowerCase().replace('_', ' '));
                        BufferOptionsClient.showScale(n, client.getLocalPort(), port);
                    }
                }
            }
            n.note("the window scale travels only in SYN and SYN+ACK: a buffer set later cannot change it"
                    + " (a server sets SO_RCVBUF on its listening socket, whose SYN+ACKs and accepted sockets use it)");
        }
        reuseAddress(n);
    }

    private static void reuseAddress(Narrator n) throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            port = server.getLocalPort();
            server.accept().close(); // the server closes first: TIME_WAIT will be on the server's port
            InputStream in = client.getInputStream();
            in.read(); // -1: the server's FIN arrived; closing now completes the four-way close
        }
        if (n.available()) {
            n.row(KernelAwait.awaitRow(r -> r.localPort() == port && r.state() == TcpState.TIME_WAIT, KERNEL_WAIT,
                    "TIME_WAIT on " + port));
        }
        try (ServerSocket restarted = new ServerSocket()) {
            restarted.setReuseAddress(false); // Java turns it on by default for ServerSocket on Linux
            restarted.bind(new InetSocketAddress(LOOPBACK, port));
            n.result("bind without SO_REUSEADDR worked (no TIME_WAIT held the port)");
        } catch (BindException e) {
            n.result("restart on " + port + " without SO_REUSEADDR: bind() says " + e.getMessage());
        }
        try (ServerSocket restarted = new ServerSocket()) {
            restarted.setReuseAddress(true); // before bind(): that is when the kernel looks at it
            restarted.bind(new InetSocketAddress(LOOPBACK, port));
            n.result("restart on " + port + " with SO_REUSEADDR set before bind(): listening again");
        }
    }

    static void retry(Narrator n) throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, reserved.port());
            CountDownLatch firstFailure = new CountDownLatch(1);
            n.program("client starts first, retrying 127.0.0.1:" + reserved.port());
            CompletableFuture<Socket> connected = CompletableFuture.supplyAsync(() -> {
                try {
                    return RetryingConnectClient.connect(address, Duration.ofSeconds(5), Duration.ofSeconds(1),
                            Duration.ofMillis(100), Duration.ofSeconds(1), (attempt, why, pause) -> {
                                n.result("attempt " + attempt + ": " + Cli.describe(why) + ", next in "
                                        + Narrator.human(pause));
                                firstFailure.countDown();
                            });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            if (!firstFailure.await(KERNEL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the retrying client never reported a failure");
            }
            try (ServerSocket server = reserved.listen(SMALL_BACKLOG);
                    Socket socket = connected.get(KERNEL_WAIT.toSeconds() * 2, TimeUnit.SECONDS)) {
                n.program("server started after the first refusal");
                n.result("client connected from local port " + socket.getLocalPort());
                server.accept().close();
            }
        }
    }

    static void packets(Narrator n) throws Exception {
        try (ServerSocket server = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK)) {
            int port = server.getLocalPort();
            try (PacketCapture capture = PacketCapture.start(port)) {
                if (!capture.running()) {
                    n.note(capture.unavailableReason());
                    n.note("this stage's port changes every run; to watch the chapter's programs on port "
                            + CHAPTER_PORT + " instead: " + PacketCapture.command(CHAPTER_PORT));
                    return;
                }
                try (Socket client = new Socket(LOOPBACK, port); Socket accepted = server.accept()) {
                    List<Segment> seen = capture.awaitSegments(HANDSHAKE_SEGMENTS, KERNEL_WAIT);
                    explainHandshake(n, seen, client.getLocalPort(), port);
                }
            }
        }
    }

    private static void explainHandshake(Narrator n, List<Segment> seen, int clientPort, int serverPort) {
        Optional<Segment> syn = seen.stream().filter(s -> s.syn() && !s.hasAck()).findFirst();
        Optional<Segment> synAck = seen.stream().filter(s -> s.syn() && s.hasAck()).findFirst();
        Optional<Segment> ack = seen.stream().filter(s -> !s.syn() && s.hasAck() && s.length() == 0).findFirst();
        n.segments(seen.subList(0, Math.min(seen.size(), HANDSHAKE_SEGMENTS)));
        if (syn.isEmpty() || synAck.isEmpty() || ack.isEmpty()) {
            n.note("tcpdump showed " + seen.size() + " segment(s), not the whole handshake");
            return;
        }
        n.note("client ISN " + syn.get().seq() + " and server ISN " + synAck.get().seq()
                + ": random, chosen by each kernel (run again: new numbers)");
        n.note("SYN+ACK ack " + synAck.get().ack() + " = client ISN + 1; final ACK " + ack.get().ack()
                + " = server ISN + 1: a SYN uses up one sequence number though it carries no data");
        n.note("mss " + syn.get().mss() + " in the SYN: loopback's MTU is 65536, so not Ethernet's 1460;"
                + " the SYN also carries the window scale (see options-before-handshake)");
        long window = ack.get().window();
        WindowScale.of(clientPort, serverPort).ifPresent(w -> n.note("win=" + window + " in the ACK is the raw"
                + " 16-bit field; the client's window scale " + w.receive() + " from its SYN makes it " + window
                + " x 2^" + w.receive() + " = " + (window << w.receive()) + " bytes"));
    }

    private static long acceptQueue(int port) {
        return SocketTable.listener(port).map(SocketRow::rxQueue).orElse(-1L);
    }

    private static String ephemeralRange() {
        try {
            // readAllLines, not readString: /proc files report size 0 and readString can come back short.
            String range = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .get(0).trim().replaceAll("\\s+", "-");
            return "net.ipv4.ip_local_port_range " + range;
        } catch (IOException e) {
            return "the system's ephemeral range";
        }
    }
}
