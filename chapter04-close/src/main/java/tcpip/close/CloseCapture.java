package tcpip.close;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import tcpip.kernel.Segment;
import tcpip.narration.Narrator;

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
                case 3 -> Msg.get("CloseCapture.shape.three");
                case 4 -> Msg.get("CloseCapture.shape.four");
                default -> Msg.get("CloseCapture.shape.other", count());
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
        ok &= relation(relations, "CloseCapture.ackOfFirstFin.", fin1.seq(), a1);
        Segment ackOfFin2 = captured.get(last);
        ok &= relation(relations, "CloseCapture.ackOfSecondFin.", fin2.seq(), ackOfFin2.ack());
        return Optional.of(new FourWay(List.copyOf(close), List.copyOf(relations), ok));
    }

    /**
     * Prints the captured segments of a close ({@code client}'s end drawn as the client), then what
     * they show, computed from their numbers: three or four segments, and each FIN's ACK = its seq + 1
     * (or "does NOT match").
     */
    public static void show(Narrator n, List<Segment> segs, int activePort, InetSocketAddress client) {
        if (segs.isEmpty()) {
            n.note(Msg.get("CloseDemo.nothingCaptured"));
            return;
        }
        n.segments(segs, client);
        Optional<FourWay> close = fourWay(segs, activePort);
        if (close.isEmpty()) {
            n.result(Msg.get("CloseDemo.noCompleteClose", activePort));
            return;
        }
        n.result(close.get().shape());
        close.get().relations().forEach(n::result);
    }

    /** Adds the sentence {@code which + "matches"} or {@code which + "mismatch"}: ack = FIN seq + 1, or not. */
    private static boolean relation(List<String> out, String which, long finSeq, long ack) {
        boolean match = ack == finSeq + 1;
        out.add(Msg.get(which + (match ? "matches" : "mismatch"), finSeq, ack));
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
        if (rst && !fin) {
            return Msg.get("CloseCapture.abortive.matches", flags, closerPort);
        }
        return Msg.get(rst ? "CloseCapture.abortive.rstAndFin" : fin ? "CloseCapture.abortive.finNoRst"
                : "CloseCapture.abortive.neither", closerPort);
    }

    /**
     * After java.net.Socket.close() with unread data by {@code closerPort}: the JDK's shutdown
     * sends FIN, then Linux's close(2) sends RST. The sentence says whether the capture shows that order.
     */
    public static String finThenRst(List<Segment> captured, int closerPort) {
        int fin = indexOf(captured, 0, s -> s.srcPort() == closerPort && s.fin());
        int rst = indexOf(captured, 0, s -> s.srcPort() == closerPort && s.rst());
        String key;
        if (fin >= 0 && rst > fin) {
            key = "CloseCapture.finThenRst.matches";
        } else if (fin >= 0 && rst >= 0) {
            key = "CloseCapture.finThenRst.rstFirst";
        } else if (fin >= 0) {
            key = "CloseCapture.finThenRst.noRst";
        } else {
            key = rst >= 0 ? "CloseCapture.finThenRst.noFin" : "CloseCapture.finThenRst.neither";
        }
        return Msg.get(key, closerPort);
    }

    private static int indexOf(List<Segment> list, int from, Predicate<Segment> p) {
        for (int i = from; i < list.size(); i++) {
            if (p.test(list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
