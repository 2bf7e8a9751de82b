package tcpip.segmentation.seqack;

import java.util.ArrayList;
import java.util.List;
import tcpip.kernel.Segment;
import tcpip.segmentation.Msg;

/**
 * Checks the article's numbering claims on captured segments: the ACK that answers a segment is
 * SEQ + payload length (+1 for SYN, +1 for FIN), and initial sequence numbers are not predictable.
 */
public final class SeqAckCheck {

    /** ISNs closer together than this (2^24 of 2^32) would look counted, not random. */
    public static final long MIN_ISN_SPREAD = 1L << 24;

    private SeqAckCheck() {
    }

    /**
     * One segment that uses sequence numbers and the first ACK from the other side that covers it.
     *
     * @param sent     the segment (data, SYN or FIN)
     * @param ack      the answering ACK number, or -1 if no answer was captured
     * @param expected SEQ + length (+1 SYN, +1 FIN)
     */
    public record Check(Segment sent, long ack, long expected) {
        public boolean matches() {
            return ack == expected;
        }

        /** e.g. {@code 45678 > 7007 DATA(16) seq=100 len=16 -> ack=116 = 100 + 16 (matches)}. */
        public String describe() {
            String plus = (sent.syn() ? " + 1 (SYN)" : "") + (sent.fin() ? " + 1 (FIN)" : "");
            String sum = sent.seq() + " + " + sent.length() + plus + " = " + expected;
            String relation = String.format("%d > %d %s seq=%d len=%d -> ack=%s: SEQ + len%s%s = %d", sent.srcPort(),
                    sent.dstPort(), sent.kind(), sent.seq(), sent.length(), ack < 0 ? "none" : ack,
                    sent.syn() ? " + 1" : "", sent.fin() ? " + 1" : "", expected);
            return matches() ? Msg.get("SeqAckCheck.matches", relation)
                    : Msg.get("SeqAckCheck.notMatch", relation, sum);
        }
    }

    /** For every segment that takes sequence numbers, the ACK that answered it. */
    public static List<Check> acks(List<Segment> segments) {
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.seq() < 0 || s.length() == 0 && !s.syn() && !s.fin()) {
                continue; // a pure ACK uses no sequence number
            }
            long expected = (s.seq() + s.length() + (s.syn() ? 1 : 0) + (s.fin() ? 1 : 0)) & 0xffffffffL;
            long ack = -1;
            for (int j = i + 1; j < segments.size(); j++) {
                Segment r = segments.get(j);
                if (r.srcPort() == s.dstPort() && r.dstPort() == s.srcPort() && r.hasAck() && r.ack() != s.seq()
                        && (r.ack() - s.seq() & 0xffffffffL) < (1L << 31)) {
                    ack = r.ack(); // the first ACK from the other side that moved past this segment's start
                    break;
                }
            }
            checks.add(new Check(s, ack, expected));
        }
        return checks;
    }

    /** The client ISNs (SEQ of each SYN without ACK) in capture order. */
    public static List<Long> clientIsns(List<Segment> segments) {
        return segments.stream().filter(s -> s.flags().equals("S")).map(Segment::seq).toList();
    }

    /** True if the ISNs are all different and spread over at least {@link #MIN_ISN_SPREAD}. */
    public static boolean looksRandom(List<Long> isns) {
        if (isns.size() < 2 || isns.stream().distinct().count() != isns.size()) {
            return false;
        }
        long min = isns.stream().mapToLong(Long::longValue).min().orElse(0);
        long max = isns.stream().mapToLong(Long::longValue).max().orElse(0);
        return max - min >= MIN_ISN_SPREAD;
    }
}
