package tcpip.kernel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.time.Duration;

/**
 * One row of the kernel's TCP socket table (/proc/net/tcp or /proc/net/tcp6): the "control
 * information" the article's 소켓 생성 section says the protocol stack keeps for each socket.
 *
 * @param localAddress  local IP (an IPv4-mapped ::ffff:a.b.c.d in tcp6 is reported as IPv4)
 * @param localPort     local port
 * @param remoteAddress peer IP (0.0.0.0 or :: for a LISTEN socket)
 * @param remotePort    peer port (0 for a LISTEN socket)
 * @param state         TCP state
 * @param txQueue       bytes sent but not yet acknowledged by the peer (LISTEN: 0)
 * @param rxQueue       bytes received but not yet read by the program (LISTEN: accept-queue length)
 * @param timer         which timer runs
 * @param timerLeft     time until that timer fires
 * @param retransmits   unrecovered retransmit timeouts (or zero-window probes) so far
 * @param uid           owner uid
 * @param inode         socket inode: the number in /proc/PID/fd's socket:[inode] link; 0 for a
 *                      connection not yet accepted and for an orphan whose program closed it
 * @param ipv6Table     true if the row came from /proc/net/tcp6
 */
public record SocketRow(
        InetAddress localAddress,
        int localPort,
        InetAddress remoteAddress,
        int remotePort,
        TcpState state,
        long txQueue,
        long rxQueue,
        TimerKind timer,
        Duration timerLeft,
        int retransmits,
        int uid,
        long inode,
        boolean ipv6Table) {

    /** "127.0.0.1:7007" or "[::1]:7007". */
    public String local() {
        return endpoint(localAddress, localPort);
    }

    /** The peer's "address:port"; {@code *:*} for a LISTEN socket, which has no peer. */
    public String remote() {
        return state == TcpState.LISTEN ? "*:*" : endpoint(remoteAddress, remotePort);
    }

    /** True if either end of this row uses the port. */
    public boolean hasPort(int port) {
        return localPort == port || remotePort == port;
    }

    /**
     * One line for a learner, e.g.
     * {@code 127.0.0.1:41234 -> 127.0.0.1:7007  ESTABLISHED  tx_queue=0 rx_queue=5  inode=123}.
     */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-22s -> %-22s %-11s tx_queue=%d rx_queue=%d",
                local(), remote(), state, txQueue, rxQueue));
        if (timer != TimerKind.NONE) {
            sb.append(" timer=").append(KernelText.get("row.timer", timerLabel(),
                    String.format(Locale.ROOT, "%.2f", timerLeft.toMillis() / 1000.0)));
        }
        sb.append(" inode=").append(inode);
        if (inode == 0 && state != TcpState.TIME_WAIT && state != TcpState.LISTEN) {
            sb.append(" (").append(KernelText.get("row.no.descriptor")).append(')');
        }
        return sb.toString();
    }

    /**
     * The timer's name as a learner should read it. The kernel reports the FIN_WAIT2 timer of an
     * orphaned socket (its program already closed it) with the same code as TIME_WAIT's, but its
     * length is net.ipv4.tcp_fin_timeout, not the fixed TIME_WAIT period.
     */
    public String timerLabel() {
        return timer == TimerKind.TIME_WAIT && state == TcpState.FIN_WAIT2 ? "tcp_fin_timeout" : timer.toString();
    }

    static String endpoint(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet4Address ? host : "[" + host + "]") + ":" + port;
    }

    @Override
    public String toString() {
        return describe();
    }
}
