package tcpip.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * The article's whole cycle in one process: create a socket, connect, send and receive, close,
 * with what the kernel shows after each call (descriptors, /proc/net/tcp rows, timers).
 */
public final class EchoDemo {

    /** How long to wait for the kernel to show a state before giving up (it takes microseconds). */
    static final Duration WAIT = Duration.ofSeconds(5);
    static final String MESSAGE = "hello, kernel\n";
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private EchoDemo() {
    }

    public static List<Stage> stages() {
        return List.of(
                new Stage("create", "소켓 생성", "socket(): a descriptor and an inode, no address yet",
                        EchoDemo::create),
                new Stage("connect", "소켓 연결 설정 / Three way handshake",
                        "connect(): a kernel-chosen port, ESTABLISHED on both ends", EchoDemo::connect),
                new Stage("send-receive", "데이터 송수신", "write() and read(): the bytes pass through both kernels",
                        EchoDemo::sendReceive),
                new Stage("close", "소켓 연결 종료 / Four way handshake",
                        "close(): FIN, read() returns -1, TIME_WAIT on the side that closed first", EchoDemo::close));
    }

    public static void main(String[] args) {
        Stages.main("EchoDemo", "The whole TCP cycle of an echo client and server, with the kernel's view of each step.",
                stages(), args);
    }

    static void create(Narrator n) throws IOException {
        List<Descriptor> before = Descriptors.tcpSockets();
        n.program("SocketChannel.open()        // the socket() system call");
        try (SocketChannel client = SocketChannel.open()) {
            if (n.available()) {
                for (Descriptor d : Descriptors.newTcpSockets(before)) {
                    n.kernel(d + "  (the number tag the program holds from now on)");
                    boolean inTable = !SocketTable.read(r -> r.inode() == d.socketInode()).isEmpty();
                    n.kernel("inode " + d.socketInode() + (inTable ? " is in /proc/net/tcp" : " has no row in"
                            + " /proc/net/tcp* yet: no address, no peer, no state"));
                }
            }
            n.note("the kernel made its control block for the socket; the program only gets a small number");
            n.note("(java.net's new Socket() makes no descriptor until connect() or bind(); SocketChannel.open() does)");

            n.program("ServerSocketChannel.open().bind(127.0.0.1:0)   // socket(), bind(), listen()");
            try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                listener.bind(new InetSocketAddress(LOOPBACK, 0));
                int port = port(listener);
                n.kernel("port 0 means 'any': the kernel chose port " + port);
                for (SocketRow row : n.rows(port)) {
                    n.descriptorOf(row);
                }
                n.note("a server socket has an address and the state LISTEN, but no peer (remote address and port are all zeros)");
            }
        }
    }

    static void connect(Narrator n) throws IOException, java.util.concurrent.TimeoutException {
        try (ServerSocketChannel listener = listen(); SocketChannel client = SocketChannel.open()) {
            int port = port(listener);
            n.program("client.connect(127.0.0.1:" + port + ")   // the kernel sends SYN, waits for SYN+ACK, sends ACK");
            client.connect(new InetSocketAddress(LOOPBACK, port));
            int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
            n.kernel("connect() returned; the client's port " + local + " was chosen by the kernel"
                    + " (from net.ipv4.ip_local_port_range)");
            if (n.available()) {
                n.row(KernelAwait.await(local, port, TcpState.ESTABLISHED, WAIT));
                SocketRow serverEnd = KernelAwait.await(port, local, TcpState.ESTABLISHED, WAIT);
                n.row(serverEnd);
                SocketTable.listener(port).ifPresent(l -> n.kernel("LISTEN rx_queue=" + l.rxQueue()
                        + ": connections finished by the kernel, waiting for accept()"));
                n.note("both ends are ESTABLISHED, yet the server program has not called accept():"
                        + " its end has inode " + serverEnd.inode() + ", no descriptor");
            }
            n.program("server.accept()");
            try (SocketChannel accepted = listener.accept()) {
                if (n.available()) {
                    SocketRow serverEnd = KernelAwait.awaitRow(r -> r.localPort() == port && r.remotePort() == local
                            && r.inode() != 0, WAIT, "the accepted end with a descriptor");
                    n.row(serverEnd);
                    n.descriptorOf(serverEnd);
                }
                n.note("accept() only took a finished connection off the queue and gave it a descriptor: "
                        + Endpoint.text(accepted.getRemoteAddress()));
                n.simplifies("the article pictures the handshake step by step; on Linux the kernels do all of"
                        + " it before accept() is even called");
            }
        }
    }

    static void sendReceive(Narrator n) throws IOException, java.util.concurrent.TimeoutException {
        try (ServerSocketChannel listener = listen(); SocketChannel client = connectTo(listener);
                SocketChannel server = listener.accept()) {
            int port = port(listener);
            int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
            ByteBuffer message = StandardCharsets.UTF_8.encode(MESSAGE);
            n.program("client.write(\"hello, kernel\\n\")");
            int sent = client.write(message);
            n.kernel("write() returned " + sent + ": the bytes now belong to the kernel, not to the program");
            if (n.available()) {
                SocketRow waiting = KernelAwait.awaitRow(r -> r.localPort() == port && r.remotePort() == local
                        && r.rxQueue() == sent, WAIT, "the server's receive buffer holding " + sent + " bytes");
                n.row(waiting);
                n.note("the server has not read yet: its kernel holds the " + sent
                        + " bytes (rx_queue) and has already acknowledged them");
            }
            n.program("server.read(buffer)");
            ByteBuffer buffer = ByteBuffer.allocate(EchoServer.BUFSIZE);
            while (buffer.position() < sent) {
                if (server.read(buffer) == -1) {
                    throw new IOException("client closed early");
                }
            }
            n.kernel("read() copied " + buffer.position() + " bytes out of the kernel; rx_queue is 0 again");
            n.program("server.write(the same bytes)   // the echo");
            buffer.flip();
            while (buffer.hasRemaining()) {
                server.write(buffer);
            }
            ByteBuffer echo = ByteBuffer.allocate(sent);
            int reads = 0;
            while (echo.hasRemaining()) { // one read() may return only part of the echo
                if (client.read(echo) == -1) {
                    throw new IOException("server closed early");
                }
                reads++;
            }
            echo.flip();
            n.program("client.read(buffer)");
            n.result("sent " + sent + " bytes, received " + echo.remaining() + " back in " + reads + " read(): \""
                    + StandardCharsets.UTF_8.decode(echo).toString().strip() + "\"");
            if (n.available()) {
                SocketTable.connection(local, port).ifPresent(n::row);
            }
            n.simplifies("the article adds 1 to the received size for the ACK number; the ACK is SEQ + bytes"
                    + " received, the +1 is only for SYN and FIN (chapter03 shows it with tcpdump)");
        }
    }

    static void close(Narrator n) throws IOException, java.util.concurrent.TimeoutException {
        try (ServerSocketChannel listener = listen(); SocketChannel client = connectTo(listener);
                SocketChannel server = listener.accept()) {
            int port = port(listener);
            int local = ((InetSocketAddress) client.getLocalAddress()).getPort();
            n.program("client.close()   // the client closes first: its kernel sends FIN");
            client.close();
            if (n.available()) {
                n.row(KernelAwait.await(local, port, TcpState.FIN_WAIT2, WAIT));
                n.row(KernelAwait.await(port, local, TcpState.CLOSE_WAIT, WAIT));
                n.note("the server's kernel acknowledged the FIN at once; the client's end now has inode 0:"
                        + " its program let go of it, the kernel finishes the goodbye alone");
                n.note("rx_queue=1 on the CLOSE_WAIT end is the FIN itself: it takes one sequence number,"
                        + " and read() has not consumed it yet");
            }
            n.program("server.read(buffer)");
            int got = server.read(ByteBuffer.allocate(EchoServer.BUFSIZE));
            n.kernel("read() returned " + got + ": the client's FIN arrived, no more bytes will come");
            n.program("server.close()   // the server's kernel sends its own FIN");
            server.close();
            if (n.available()) {
                SocketRow timeWait = KernelAwait.await(local, port, TcpState.TIME_WAIT, WAIT);
                n.row(timeWait);
                n.kernel(String.format("TIME_WAIT on the client, the side that closed first: %.1f s left",
                        timeWait.timerLeft().toMillis() / 1000.0));
                KernelAwait.awaitGone(port, local, WAIT);
                n.kernel("the server's end is gone: it closed second (LAST_ACK until the client's ACK arrived)");
            }
            n.simplifies("the article's figure has the server close first and waits 240 s; whoever closes first"
                    + " gets TIME_WAIT, and Linux keeps it 60 s (240 s is 2 x MSL with RFC 793's 2-minute MSL)");
        }
    }

    private static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(LOOPBACK, 0));
        return listener;
    }

    private static SocketChannel connectTo(ServerSocketChannel listener) throws IOException {
        return SocketChannel.open(new InetSocketAddress(LOOPBACK, port(listener)));
    }

    private static int port(ServerSocketChannel listener) throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }
}
