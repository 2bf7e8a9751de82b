package tcpip.segmentation.loss;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.segmentation.Msg;

/** What the lab's experiments share: the counters they read, reading a capture, and the matches line. */
final class LabSupport {

    /** Data segments (not SYN/FIN/pure ACK): with timestamps a pure ACK is 52 bytes of IP. */
    static final String DATA = "ip length > 64";
    /** How long an experiment waits for the close's packets in the capture. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** The namespace's TCP counters the experiments read (nstat names), in the order they are printed. */
    static final List<String> COUNTERS = List.of("TcpRetransSegs", "TcpExtTCPFastRetrans", "TcpExtTCPSackRecovery",
            "TcpExtTCPSACKReorder", "TcpExtTCPLossProbes", "TcpExtTCPLossProbeRecovery", "TcpExtTCPTimeouts",
            "TcpExtTCPSpuriousRTOs", "TcpExtTCPDSACKRecv", "TcpExtTCPDSACKRecvSegs");
    private static final Pattern NFT_PACKETS = Pattern.compile("packets (\\d+)");

    private LabSupport() {
    }

    /** A counter's growth, 0 where it was not read. */
    static long counter(Map<String, Long> deltas, String name) {
        return deltas.getOrDefault(name, 0L);
    }

    /** The counters that grew, without the "TcpExt" prefix: {@code {TCPFastRetrans=1, TCPSackRecovery=1}}. */
    static String grown(Map<String, Long> deltas) {
        StringBuilder sb = new StringBuilder();
        deltas.forEach((k, v) -> {
            if (v != 0) {
                sb.append(sb.isEmpty() ? "" : ", ").append(k.replace("TcpExt", "")).append(" +").append(v);
            }
        });
        return sb.isEmpty() ? Msg.get("LossLab.counters.none") : sb.toString();
    }

    /** The packet count of an nft rule's counter ("counter packets 12 bytes ..."), or 0. */
    static long droppedPackets(String rule) {
        Matcher m = NFT_PACKETS.matcher(rule);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** True once the capture holds both FINs of a close. */
    static Predicate<List<Packet>> bothFins() {
        return ps -> count(ps, p -> p.segment().fin()) >= 2;
    }

    static long count(List<Packet> ps, Predicate<Packet> p) {
        return ps.stream().filter(p).count();
    }

    /** The data segments one port sent, in capture order. */
    static List<Segment> dataFrom(List<Packet> ps, int port) {
        return ps.stream().map(Packet::segment).filter(s -> s.srcPort() == port && s.length() > 0).toList();
    }

    /** Seconds (a capture's time) as a Duration, to the microsecond. */
    static Duration micros(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e6) * 1000);
    }

    /** "NAME: a = b (matches)" or "... (does NOT match)". */
    static String relation(String name, long actual, long expected) {
        return Msg.get(actual == expected ? "LossLab.relation.matches" : "LossLab.relation.notMatch", name, actual,
                expected);
    }
}
