package tcpip.segmentation.loss;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tcpip.segmentation.Msg;

/**
 * Who resent the lost data, read from the namespace's own TCP counters (nstat; per network namespace,
 * so inside the lab they count only the lab): a tail loss probe (TCPLossProbes), SACK-based recovery
 * (TCPSackRecovery: the sender entered Recovery; TCPFastRetrans: it resent before any timer), the
 * retransmission timer (TCPTimeouts). Never assumed: the experiment states what it expects and the line
 * says "does NOT match" when the counters disagree.
 */
enum Resenders {
    PROBE, SACK, TIMEOUT;

    /** The mechanisms the counters show at work. */
    static Set<Resenders> of(Map<String, Long> deltas) {
        Set<Resenders> at = EnumSet.noneOf(Resenders.class);
        if (LabSupport.counter(deltas, "TcpExtTCPLossProbes") > 0) {
            at.add(PROBE);
        }
        if (LabSupport.counter(deltas, "TcpExtTCPFastRetrans") > 0 || LabSupport.counter(deltas, "TcpExtTCPSackRecovery") > 0) {
            at.add(SACK);
        }
        if (LabSupport.counter(deltas, "TcpExtTCPTimeouts") > 0) {
            at.add(TIMEOUT);
        }
        return at;
    }

    /** The bundle key's tail for a set: {@code probe.sack}, {@code none}. */
    static String key(Set<Resenders> set) {
        return set.isEmpty() ? "none" : set.stream().map(r -> r.name().toLowerCase()).collect(Collectors.joining("."));
    }

    /**
     * The line that says who resent, with the counters it read, and whether that is what {@code expected}
     * (the experiment's story) says.
     */
    static String line(Map<String, Long> deltas, Set<Resenders> expected) {
        Set<Resenders> seen = of(deltas);
        String counters = "TCPLossProbes +" + LabSupport.counter(deltas, "TcpExtTCPLossProbes") + ", TCPSackRecovery +"
                + LabSupport.counter(deltas, "TcpExtTCPSackRecovery") + ", TCPFastRetrans +"
                + LabSupport.counter(deltas, "TcpExtTCPFastRetrans") + ", TCPTimeouts +"
                + LabSupport.counter(deltas, "TcpExtTCPTimeouts");
        return Msg.get(seen.equals(expected) ? "LossLab.resent.matches" : "LossLab.resent.notMatch",
                Msg.get("LossLab.resent." + key(seen)), counters, Msg.get("LossLab.resent." + key(expected)));
    }
}
