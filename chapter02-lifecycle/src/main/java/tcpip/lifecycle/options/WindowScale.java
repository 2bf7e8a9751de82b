package tcpip.lifecycle.options;


import java.util.Optional;
import tcpip.kernel.SsInfo;
import tcpip.lifecycle.Msg;

/**
 * The window scale both ends agreed on in the SYN and SYN+ACK, as {@code ss -ti} reports it
 * ({@code wscale:SEND,RECEIVE}). Optional: empty where ss (iproute2) is missing.
 *
 * @param send    the peer's scale: its window field is shifted left by this many bits
 * @param receive our scale: the window we advertise is shifted right by this many bits
 */
public record WindowScale(int send, int receive) {

    /** True if an {@code ss} binary is on this machine. */
    public static boolean available() {
        return SsInfo.installed();
    }

    /** The scales of the connection seen from the end with local port {@code localPort}. */
    public static Optional<WindowScale> of(int localPort, int remotePort) {
        return SsInfo.of(localPort, remotePort).flatMap(SsInfo::windowScales).map(w -> new WindowScale(w[0], w[1]));
    }

    /** The largest receive window this end can advertise: 65535 shifted by our scale. */
    public long largestReceiveWindow() {
        return 65_535L << receive;
    }

    /** e.g. {@code wscale send 10, receive 0 (our window can never exceed 65535 bytes)}. */
    public String describe() {
        return Msg.get("WindowScale.describe", send, receive, largestReceiveWindow());
    }
}
