package tcpip.close.orderly;

import static tcpip.close.StageSupport.WAIT;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.close.CloseCapture;
import tcpip.close.Msg;
import tcpip.close.StageSupport;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SocketRow;
import tcpip.kernel.TcpState;
import tcpip.narration.ArticleSection;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.net.LoopbackPair;

/** Four way handshake: FIN, ACK, FIN, ACK, with TIME_WAIT on whichever side closed first. */
public final class OrderlyStages {

    /** A close of three segments (F., F., .) or four (F., ., F., .). */
    private static final int THREE_SEGMENTS = 3;
    private static final int FOUR_SEGMENTS = 4;
    private static final Duration CAPTURE_WAIT = Duration.ofSeconds(2);

    private OrderlyStages() {
    }

    /** The stage {@code server-closes-first}. */
    public static Stage serverClosesFirst() {
        return new Stage("server-closes-first", ArticleSection.FOUR_WAY_HANDSHAKE, StageSupport.title("server-closes-first"),
                n -> fourWay(n, Closer.SERVER, false));
    }

    /** The stage {@code client-closes-first}. */
    public static Stage clientClosesFirst() {
        return new Stage("client-closes-first", ArticleSection.FOUR_WAY_HANDSHAKE, StageSupport.title("client-closes-first"),
                n -> fourWay(n, Closer.CLIENT, true));
    }

    static void fourWay(Narrator n, Closer first, boolean quick) throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            Socket active = first == Closer.SERVER ? p.server() : p.client();
            Socket passive = first == Closer.SERVER ? p.client() : p.server();
            String who = first == Closer.SERVER ? "CloseDemo.serverFirst." : "CloseDemo.clientFirst."; // one key per side
            int a = active.getLocalPort();
            int b = active.getPort();
            PacketCapture tcpdump = StageSupport.capture(n, p.serverPort());
            try {
                n.code(OrderlyCloseCore.class, "close-first");
                if (quick) { // the three calls back to back: any narration between them would delay the second FIN
                    warmUp(); // a cold JVM needs longer for read() + close() than the kernel waits to send its ACK
                    n.code(OrderlyCloseCore.class, "await-fin");
                    n.code(OrderlyCloseCore.class, "close-second");
                    OrderlyCloseCore.closeFirst(active);
                    int r = OrderlyCloseCore.awaitFin(passive);
                    OrderlyCloseCore.closeSecond(passive, Duration.ZERO);
                    n.program(Msg.get(who + "activeClose"));
                    n.program(Msg.get(who + "passiveReadCloseAtOnce", r));
                } else {
                    n.program(Msg.get(who + "activeClose"));
                    OrderlyCloseCore.closeFirst(active);
                    if (n.available()) {
                        SocketRow finWait2 = KernelAwait.await(a, b, TcpState.FIN_WAIT2, WAIT);
                        SocketRow closeWait = KernelAwait.await(b, a, TcpState.CLOSE_WAIT, WAIT);
                        n.kernel(CloseStates.describe(finWait2));
                        n.kernel(CloseStates.describe(closeWait));
                        n.note(Msg.get(who + "finWait2CloseWait"));
                        n.note(CloseStates.finTimeoutNote(finWait2));
                    }
                    n.code(OrderlyCloseCore.class, "await-fin");
                    n.program(Msg.get(who + "passiveReadEnd", OrderlyCloseCore.awaitFin(passive)));
                    n.code(OrderlyCloseCore.class, "close-second");
                    n.program(Msg.get(who + "passiveCloseAfterAck"));
                    OrderlyCloseCore.closeSecond(passive, Duration.ZERO);
                }
                if (n.available()) {
                    SocketRow timeWait = KernelAwait.await(a, b, TcpState.TIME_WAIT, WAIT);
                    KernelAwait.awaitGone(b, a, WAIT);
                    n.kernel(CloseStates.describe(timeWait));
                    n.kernel(Msg.get(who + "passiveKeepsNothing", b, a));
                    n.note(Msg.get(who + "timeWaitFollows",
                            String.format("%.2f", timeWait.timerLeft().toMillis() / 1000.0)));
                }
                if (tcpdump.running()) {
                    tcpdump.awaitSegments(quick ? THREE_SEGMENTS : FOUR_SEGMENTS, CAPTURE_WAIT);
                    CloseCapture.show(n, tcpdump.stop(), a, (InetSocketAddress) p.client().getLocalSocketAddress());
                }
            } finally {
                tcpdump.stop();
            }
            if (first == Closer.SERVER) {
                n.simplifies(Msg.get("CloseDemo.simplifies.serverFirst"));
            } else {
                n.simplifies(Msg.get("CloseDemo.simplifies.threeSegments"));
            }
        }
    }

    /** One uncaptured quick close, so the JVM has loaded and compiled the read() and close() paths. */
    private static void warmUp() throws IOException, InterruptedException {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            OrderlyCloseCore.closeFirst(p.client());
            OrderlyCloseCore.awaitFin(p.server());
            OrderlyCloseCore.closeSecond(p.server(), Duration.ZERO);
        }
    }
}
