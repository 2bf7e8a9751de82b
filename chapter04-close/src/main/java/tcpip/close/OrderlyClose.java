package tcpip.close;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import tcpip.narration.Narrator;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/**
 * The two roles of the article's Four way handshake, shared by {@link OrderlyCloseServer},
 * {@link OrderlyCloseClient} and the demo: the active closer (FIN first, ends in TIME_WAIT)
 * and the passive closer (reads -1, sits in CLOSE_WAIT, closes second, leaves no row).
 */
public final class OrderlyClose {

    /**
     * How long the second closer waits after the peer's FIN before its own close(). Linux
     * delays the ACK of a FIN (delayed ACK, about 40 ms); closing sooner would let that ACK
     * ride on our FIN and tcpdump would show three segments instead of the article's four.
     */
    public static final Duration SECOND_CLOSER_PAUSE = Duration.ofMillis(50);
    /** How long to wait for the kernel to show a state change. */
    public static final Duration KERNEL_WAIT = Duration.ofSeconds(5);

    private OrderlyClose() {
    }

    /** Active closer: close() sends FIN; the kernel then shows FIN_WAIT2 and, after the peer's FIN, TIME_WAIT. */
    public static SocketRow closeFirst(Socket socket, Narrator n) throws IOException, TimeoutException {
        int local = socket.getLocalPort();
        int remote = socket.getPort();
        n.program("close()  <- this side closes first (the active closer)");
        socket.close(); // close(): the kernel queues a FIN after any unsent data; state FIN_WAIT1
        if (!SocketTable.available()) {
            n.kernel(SocketTable.unavailableMessage());
            return null;
        }
        SocketRow finWait2 = awaitEither(local, remote, TcpState.FIN_WAIT2, TcpState.TIME_WAIT);
        n.row(finWait2);
        if (finWait2.state() == TcpState.FIN_WAIT2) {
            n.note("FIN_WAIT2: the peer ACKed our FIN; its program has not closed yet (inode 0: we hold no descriptor)");
        }
        SocketRow timeWait = KernelAwait.await(local, remote, TcpState.TIME_WAIT, KERNEL_WAIT);
        n.row(timeWait);
        n.note("TIME_WAIT on the side that closed first; Linux removes the row when the timer ("
                + timeWait.timerLeft().toSeconds() + " s left) runs out, 60 s after it started");
        return timeWait;
    }

    /** Passive closer: read() returns -1 on the peer's FIN (CLOSE_WAIT); pause; close() sends our FIN. */
    public static void closeSecond(Socket socket, Narrator n) throws IOException, TimeoutException, InterruptedException {
        int local = socket.getLocalPort();
        int remote = socket.getPort();
        InputStream in = socket.getInputStream();
        n.program("read() ... waiting for the peer to close first");
        int r = in.read(); // read() == -1: the peer's FIN arrived; nothing more will ever come
        n.program("read() returned " + r + (r == -1 ? ": the peer's FIN arrived (end of stream)" : ""));
        if (SocketTable.available()) {
            n.row(KernelAwait.await(local, remote, TcpState.CLOSE_WAIT, KERNEL_WAIT));
            n.note("CLOSE_WAIT: the kernel ACKed the FIN; it now waits for THIS program to call close()");
        }
        // The pause is the subject: give the kernel's delayed ACK of the peer's FIN time to leave
        // on its own, so the packets show FIN, ACK, FIN, ACK (four segments), not FIN, FIN+ACK, ACK.
        Thread.sleep(SECOND_CLOSER_PAUSE);
        n.program("close()  <- this side closes second (the passive closer)");
        socket.close(); // close(): our FIN goes out; LAST_ACK until the peer ACKs it, then the row is freed
        if (SocketTable.available()) {
            KernelAwait.awaitGone(local, remote, KERNEL_WAIT);
            n.kernel("no row left for " + local + " -> " + remote + ": the passive closer keeps no TIME_WAIT");
        }
    }

    private static SocketRow awaitEither(int local, int remote, TcpState a, TcpState b) throws TimeoutException {
        return KernelAwait.awaitRow(r -> r.localPort() == local && r.remotePort() == remote
                && (r.state() == a || r.state() == b), KERNEL_WAIT, local + " -> " + remote + " in " + a + " or " + b);
    }
}
