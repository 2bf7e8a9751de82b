package tcpip.lifecycle;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;

/** What every stage of this chapter's demo shares: loopback port 0, the waits. */
public final class StageSupport {

    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Port 0: the kernel picks a free one, so stages never collide with each other or a running server. */
    public static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(LOOPBACK, 0);
    /** Longest a stage waits for the kernel (a row, a connect, a capture). */
    public static final Duration KERNEL_WAIT = Duration.ofSeconds(3);
    /** A connect() that is meant to fail fast: refused at once, or timed out against a full queue. */
    public static final Duration SHORT_CONNECT_TIMEOUT = Duration.ofMillis(500);
    /** The default port of this chapter's server and client mains. */
    public static final int CHAPTER_PORT = 7102;

    private StageSupport() {
    }

    /** The accept-queue length the kernel shows on the LISTEN row of {@code port} (-1: no row). */
    public static long acceptQueue(int port) {
        return SocketTable.listener(port).map(SocketRow::rxQueue).orElse(-1L);
    }
}
