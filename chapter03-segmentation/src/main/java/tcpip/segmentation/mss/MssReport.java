package tcpip.segmentation.mss;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.Segment;
import tcpip.kernel.Sysctl;
import tcpip.kernel.SsInfo;
import tcpip.segmentation.Msg;

/**
 * The MSS relations Linux applies, computed from live numbers (the device MTU, the SYNs in a
 * capture, {@code ss -tin}) and checked: each line says "matches" or "does NOT match".
 */
public final class MssReport {

    /** The largest IPv4 datagram. */
    public static final int IPV4_MAX = 65_535;
    /** IPv4 header + TCP header without options. */
    public static final int IPV4_HEADERS = 40;
    /** IPv6 header + TCP header without options. */
    public static final int IPV6_HEADERS = 60;
    /** The timestamp option, padded, that every segment carries when timestamps are on. */
    public static final int TIMESTAMP_OPTION = 12;
    /** Below this window the kernel does not halve (TCP_MSS_DEFAULT). */
    private static final int MSS_DEFAULT = 536;

    private MssReport() {
    }

    /** The MSS a SYN should announce for a device MTU: min(MTU, 65535) − 40 on IPv4, MTU − 60 on IPv6. */
    public static long expectedSynMss(long mtu, boolean ipv6) {
        return ipv6 ? mtu - IPV6_HEADERS : Math.min(mtu, IPV4_MAX) - IPV4_HEADERS;
    }

    /** True if this machine's TCP puts timestamps in every segment (net.ipv4.tcp_timestamps). */
    public static boolean timestamps() {
        return Sysctl.longOr("net/ipv4/tcp_timestamps", -1) > 0;
    }

    /** "SYN mss=65495: expected min(MTU 65536, 65535) − 40 = 65495: matches". */
    public static String synLine(Segment syn, long mtu, boolean ipv6) {
        long expected = expectedSynMss(mtu, ipv6);
        String how = ipv6 ? "MTU " + mtu + " - " + IPV6_HEADERS : "min(MTU " + mtu + ", " + IPV4_MAX + ") - " + IPV4_HEADERS;
        return Msg.get(syn.mss() == expected ? "MssReport.syn.matches" : "MssReport.syn.notMatch",
                syn.flags().contains(".") ? "SYN+ACK" : "SYN", syn.mss(), how, expected);
    }

    /** "advmss=65483: expected SYN mss 65495 − 12 (timestamps on) = 65483: matches". */
    public static String advmssLine(long advmss, long synMss) {
        boolean ts = timestamps();
        long expected = synMss - (ts ? TIMESTAMP_OPTION : 0);
        String key = (ts ? "MssReport.advmss.timestamps" : "MssReport.advmss.noTimestamps")
                + (advmss == expected ? ".matches" : ".notMatch");
        return Msg.get(key, advmss, synMss, TIMESTAMP_OPTION, expected);
    }

    /**
     * Right after the handshake: the sending mss is min(peer's MSS − timestamps, half the peer's
     * largest window, which so far is the unscaled window of its SYN or SYN+ACK).
     */
    public static String halfWindowLine(long mss, long advmss, long peerSynMss, long peerSynWindow) {
        long limit = peerSynMss - (timestamps() ? TIMESTAMP_OPTION : 0);
        long half = peerSynWindow > MSS_DEFAULT ? peerSynWindow / 2 : peerSynWindow;
        long expected = Math.min(limit, half);
        return Msg.get(mss == expected ? "MssReport.halfWindow.matches" : "MssReport.halfWindow.notMatch", mss, peerSynMss,
                timestamps() ? " - 12" : "", limit, peerSynWindow, half, expected);
    }

    /** ss's view of one end, or empty. */
    public static Optional<SsInfo> ss(Socket s) {
        return SsInfo.installed() ? SsInfo.of(s.getLocalPort(), s.getPort()) : Optional.empty();
    }

    /** The connection's MSS fields from ss, or one line saying why they are missing. */
    public static String ssLine(Socket s) {
        if (!SsInfo.installed()) {
            return SsInfo.unavailableMessage();
        }
        return ss(s).map(SsInfo::mssLine).orElseGet(() -> Msg.get("BufferReport.ssNothing"));
    }

    private static final Pattern GSO_MAX_SIZE = Pattern.compile("gso_max_size (\\d+)");

    /**
     * The largest packet the stack hands this device in one piece ({@code ip -d link show DEV}: gso_max_size);
     * segmentation offload cuts it into MSS-sized segments later. -1 where ip cannot tell.
     */
    public static long gsoMaxSize(String device) {
        try {
            Process p = new ProcessBuilder(PacketAccess.tool("ip").map(Object::toString).orElse("ip"), "-d", "link",
                    "show", device).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return -1;
            }
            Matcher m = GSO_MAX_SIZE.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
