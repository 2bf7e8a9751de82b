package tcpip.close;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.Segment;

/**
 * Reads a close off a tcpdump capture: how many segments it took (three when the ACK of the
 * first FIN rode on the second FIN, four when it went alone), whether each FIN was ACKed with
 * its sequence number + 1, and whether an abortive close put RST and no FIN on the wire.
 * Every sentence is computed from the captured numbers; a relation that fails says "does NOT match".
 */
public final class CloseCapture {

    private CloseCapture() {
    }

    /** The close as captured: its segments, their count and the relations checked on them. */
    public record FourWay(List<Segment> segments, List<String> relations, boolean allMatch) {
        public int count() {
            return segments.size();
        }

        /** One line that says which of the two shapes this close had. */
        public String shape() {
            return switch (count()) {
                case 3 -> "this close took 3 segments: the ACK of the first FIN rode on the second FIN (delayed ACK)";
                case 4 -> "this close took 4 segments: the ACK of the first FIN went alone, before the second FIN";
                default -> "this close took " + count() + " segments: neither the 3 nor the 4 of a plain close";
            };
        }
    }

    /**
     * The close of the connection between {@code activePort} (the side whose FIN came first) and
     * its peer: from the first FIN to the ACK of the second. Empty if the capture has no
     * complete close.
     */
    public static Optional<FourWay> fourWay(List<Segment> captured, int activePort) {
        int first = indexOf(captured, 0, s -> s.fin() && s.srcPort() == activePort);
        if (first < 0) {
            return Optional.empty();
        }
        Segment fin1 = captured.get(first);
        int second = indexOf(captured, first + 1, s -> s.fin() && s.srcPort() == fin1.dstPort());
        if (second < 0) {
            return Optional.empty();
        }
        Segment fin2 = captured.get(second);
        int last = indexOf(captured, second + 1, s -> s.srcPort() == activePort && s.hasAck() && s.ack() == fin2.seq() + 1);
        if (last < 0) {
            return Optional.empty();
        }
        List<Segment> close = new ArrayList<>();
        for (Segment s : captured.subList(first, last + 1)) {
            if (s.srcPort() == activePort || s.srcPort() == fin1.dstPort()) {
                close.add(s);
            }
        }
        List<String> relations = new ArrayList<>();
        boolean ok = true;
        Optional<Segment> ackOfFin1 = close.stream().filter(s -> s.srcPort() == fin1.dstPort() && s.hasAck()
                && s.ack() > fin1.seq()).findFirst();
        long a1 = ackOfFin1.map(Segment::ack).orElse(-1L);
        ok &= relation(relations, "ACK of the first FIN", fin1.seq(), a1);
        Segment ackOfFin2 = captured.get(last);
        ok &= relation(relations, "ACK of the second FIN", fin2.seq(), ackOfFin2.ack());
        return Optional.of(new FourWay(List.copyOf(close), List.copyOf(relations), ok));
    }

    private static boolean relation(List<String> out, String what, long finSeq, long ack) {
        boolean match = ack == finSeq + 1;
        out.add(what + ": FIN seq=" + finSeq + ", ack=" + ack + " = seq + 1 "
                + (match ? "(matches: the FIN takes one sequence number)" : "does NOT match"));
        return match;
    }

    /**
     * After an abortive close by {@code closerPort} (SO_LINGER 0): true if the capture shows an
     * RST from it and no FIN from it; the sentence says so, or "does NOT match".
     */
    public static String abortive(List<Segment> captured, int closerPort) {
        boolean rst = captured.stream().anyMatch(s -> s.srcPort() == closerPort && s.rst());
        boolean fin = captured.stream().anyMatch(s -> s.srcPort() == closerPort && s.fin());
        String flags = captured.stream().filter(s -> s.srcPort() == closerPort && s.rst()).map(Segment::kind)
                .findFirst().orElse("no RST");
        return rst && !fin
                ? "the capture shows " + flags + " from port " + closerPort + " and no FIN (matches: an abortive close)"
                : "RST " + (rst ? "seen" : "missing") + ", FIN " + (fin ? "seen" : "absent") + " from port " + closerPort
                        + ": does NOT match an abortive close";
    }

    /**
     * After java.net.Socket.close() with unread data by {@code closerPort}: the JDK's shutdown
     * sends FIN, then Linux's close(2) sends RST. The sentence says whether the capture shows that order.
     */
    public static String finThenRst(List<Segment> captured, int closerPort) {
        int fin = indexOf(captured, 0, s -> s.srcPort() == closerPort && s.fin());
        int rst = indexOf(captured, 0, s -> s.srcPort() == closerPort && s.rst());
        return fin >= 0 && rst > fin
                ? "the capture shows FIN, then RST from port " + closerPort + " (matches: shutdown's FIN, then close(2)"
                        + " with unread data)"
                : "FIN " + (fin >= 0 ? "seen" : "missing") + ", RST " + (rst >= 0 ? "seen" : "missing") + (fin >= 0
                        && rst >= 0 ? " before the FIN" : "") + " from port " + closerPort + ": does NOT match FIN then RST";
    }

    private static int indexOf(List<Segment> list, int from, java.util.function.Predicate<Segment> p) {
        for (int i = from; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
