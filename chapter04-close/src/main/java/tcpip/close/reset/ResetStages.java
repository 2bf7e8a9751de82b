package tcpip.close.reset;

import static tcpip.close.StageSupport.LOOPBACK;
import static tcpip.close.StageSupport.WAIT;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.close.CloseCapture;
import tcpip.close.Msg;
import tcpip.close.StageSupport;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.LoopbackPair;

/** 소켓 연결 종료 with RST instead of FIN: SO_LINGER, writing to a closed peer, closing with unread data. */
public final class ResetStages {

    private static final byte[] UNREAD = "a request nobody reads".getBytes(StandardCharsets.UTF_8);
    private static final int SENT_BEFORE_RST = 1000;
    /** A small window that fills quickly, and a send buffer to match. */
    private static final int SMALL_BUFFER = 16 * 1024;
    private static final long MORE_THAN_FITS = 64L << 20;
    private static final Duration RST_WAIT = Duration.ofSeconds(2);

    private ResetStages() {
    }

    /** The stage {@code linger-zero}. */
    public static Stage lingerZero() {
        return new Stage("linger-zero", ArticleSection.SOCKET_CLOSE, StageSupport.title("linger-zero"), ResetStages::lingerZero);
    }

    /** The stage {@code linger-timeout}. */
    public static Stage lingerTimeout() {
        return new Stage("linger-timeout", ArticleSection.SOCKET_CLOSE, StageSupport.title("linger-timeout"),
                ResetStages::lingerTimeout);
    }

    /** The stage {@code closed-peer}. */
    public static Stage closedPeer() {
        return new Stage("closed-peer", ArticleSection.SOCKET_CLOSE, StageSupport.title("closed-peer"), ResetStages::closedPeer);
    }

    /** The stage {@code unread-close}. */
    public static Stage unreadClose() {
        return new Stage("unread-close", ArticleSection.SOCKET_CLOSE, StageSupport.title("unread-close"),
                ResetStages::unreadClose);
    }

    static void lingerZero(Narrator n) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            PacketCapture tcpdump = StageSupport.capture(n, port);
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalAddress(), Math.toIntExact(WAIT.toMillis()));
                client.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
                SocketChannel accepted = listener.accept();
                n.code(LingerCore.class, "linger-close");
                LingerServer.sendAndClose(accepted, SENT_BEFORE_RST, 0, n);
                InputStream in = client.getInputStream();
                byte[] got = in.readNBytes(SENT_BEFORE_RST); // the bytes sent before the RST are still there
                n.program(Msg.get("CloseDemo.lingerZero.readBeforeRst", got.length));
                n.program(readOutcome(in));
                if (n.available()) {
                    int clientPort = client.getLocalPort();
                    boolean timeWait = SocketTable.onPort(port).stream()
                            .anyMatch(r -> r.hasPort(clientPort) && r.state() == TcpState.TIME_WAIT);
                    n.kernel(timeWait ? Msg.get("CloseDemo.lingerZero.timeWaitRemains")
                            : Msg.get("CloseDemo.lingerZero.noTimeWait", port));
                }
                List<Segment> segs = StageSupport.printSegments(n, tcpdump, 5, client.getLocalSocketAddress());
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
            client.setReceiveBufferSize(SMALL_BUFFER); // a small window that fills quickly
            client.connect(listener.getLocalAddress(), Math.toIntExact(WAIT.toMillis()));
            SocketChannel accepted = listener.accept();
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, SMALL_BUFFER);
            n.note(Msg.get("CloseDemo.lingerTimeout.clientDoesNotRead"));
            n.code(LingerCore.class, "fill");
            Duration took = LingerServer.sendAndClose(accepted, MORE_THAN_FITS, 1, n);
            n.note(Msg.get("CloseDemo.lingerTimeout.closeWaited", Narrator.human(took)));
        }
    }

    static void closedPeer(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket client = p.client();
            n.program(Msg.get("CloseDemo.closedPeer.serverCloses"));
            OrderlyCloseCore.closeFirst(p.server()); // FIN to the client
            n.code(ClosedPeerCore.class, "read-fin");
            n.program(Msg.get("CloseDemo.closedPeer.readFin", ClosedPeerCore.read(client)));
            n.code(ClosedPeerCore.class, "write-first");
            ClosedPeerCore.writeFirst(client, "first".getBytes(StandardCharsets.UTF_8));
            n.program(Msg.get("CloseDemo.closedPeer.write1"));
            if (n.available()) {
                KernelAwait.awaitGone(client.getLocalPort(), client.getPort(), WAIT);
                n.kernel(Msg.get("CloseDemo.closedPeer.rowGone"));
            }
            n.code(ClosedPeerCore.class, "write-after-rst");
            try {
                ClosedPeerCore.writeAfterReset(client, "second".getBytes(StandardCharsets.UTF_8));
                n.program(Msg.get("CloseDemo.closedPeer.write2Returned"));
            } catch (IOException e) {
                n.program(Msg.get("CloseDemo.closedPeer.write2Threw", Cli.describe(e)));
            }
            n.program(Msg.get("CloseDemo.closedPeer.readAfterRst", ClosedPeerCore.read(client)));
        }
    }

    static void unreadClose(Narrator n) throws Exception {
        n.note(Msg.get("CloseDemo.unread.socketClose"));
        unreadCloseSocket(n);
        n.note(Msg.get("CloseDemo.unread.channelClose"));
        unreadCloseChannel(n);
        n.note(Msg.get("CloseDemo.unread.why"));
    }

    private static void unreadCloseSocket(Narrator n) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            PacketCapture tcpdump = StageSupport.capture(n, p.serverPort());
            try {
                p.client().getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(p.server());
                n.code(ClosedPeerCore.class, "close-unread");
                n.program(Msg.get("CloseDemo.unread.serverSocketClose", UNREAD.length));
                ClosedPeerCore.closeUnread(p.server());
                n.program(readOutcome(p.client().getInputStream()));
                // DATA, ACK, FIN, RST, and sometimes the client's ACK of the FIN before the RST: wait for the RST.
                StageSupport.awaitUntil(tcpdump, segs -> segs.stream().anyMatch(Segment::rst), RST_WAIT);
                List<Segment> segs = StageSupport.printSegments(n, tcpdump, 4, p.client().getLocalSocketAddress());
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
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            PacketCapture tcpdump = StageSupport.capture(n, port);
            try (Socket client = new Socket()) {
                client.connect(listener.getLocalAddress(), Math.toIntExact(WAIT.toMillis()));
                client.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
                SocketChannel server = listener.accept();
                client.getOutputStream().write(UNREAD);
                ClosedPeerServer.awaitUnreadData(server.socket());
                n.program(Msg.get("CloseDemo.unread.serverChannelClose", UNREAD.length));
                server.close(); // close(2) with unread data: Linux sends RST only
                n.program(readOutcome(client.getInputStream()));
                List<Segment> segs = StageSupport.printSegments(n, tcpdump, 6, client.getLocalSocketAddress());
                if (!segs.isEmpty()) {
                    n.result(CloseCapture.abortive(segs, port));
                }
            } finally {
                tcpdump.stop();
            }
        }
    }

    /** The client's next read(), as one sentence: what it returned, or what it threw. */
    private static String readOutcome(InputStream in) {
        try {
            return Msg.get("CloseDemo.clientReadReturned", in.read());
        } catch (IOException e) {
            return Msg.get("CloseDemo.clientReadThrew", Cli.describe(e));
        }
    }
}
