package tcpip.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Ladder}'s arrows from one connection's segments: who sent each, SEQ and ACK
 * relative to each side's first number, what is special about it (a retransmission, a duplicate
 * ACK, a zero window, crossed FINs) and the states the replayed TCP state machine entered.
 */
final class LadderArrows {

    private static final long MOD = 1L << 32;

    private LadderArrows() {
    }

    static List<Ladder.Arrow> of(List<Segment> conn, ClientSide client, boolean sawSyn, boolean listening) {
        StateReplay replay = new StateReplay(sawSyn, listening);
        long[] base = {-1, -1};
        long[] highest = {-1, -1};
        long[] lastAck = {-1, -1};
        long[] lastWin = {-1, -1};
        long[] lastSyn = {-1, -1};
        long[] lastFin = {-1, -1};
        // Relative numbers start at each side's ISN, or at the first number seen for that side.
        for (Segment s : conn) {
            int from = client.sent(s) ? 0 : 1;
            if (s.syn() && base[from] < 0) {
                base[from] = s.seq();
            }
        }
        for (Segment s : conn) {
            int from = client.sent(s) ? 0 : 1;
            if (base[from] < 0 && s.seq() >= 0) {
                base[from] = s.seq();
            }
            if (base[1 - from] < 0 && s.ack() >= 0) {
                base[1 - from] = s.ack();
            }
        }
        double t0 = conn.get(0).time();
        List<Ladder.Arrow> out = new ArrayList<>();
        for (int i = 0; i < conn.size(); i++) {
            Segment s = conn.get(i);
            int from = client.sent(s) ? 0 : 1;
            String note = "";
            long end = s.seq() >= 0 ? (s.seq() + s.length() + (s.syn() || s.fin() ? 1 : 0)) % MOD : -1;
            if (s.syn() && lastSyn[from] == s.seq()) {
                note = KernelText.get("ladder.note.synRetransmission");
            } else if (s.fin() && lastFin[from] == s.seq()) {
                note = KernelText.get("ladder.note.finRetransmission");
            } else if (s.length() > 0 && highest[from] >= 0 && !after(end, highest[from])) {
                note = KernelText.get("ladder.note.retransmission");
            } else if (s.window() == 0 && !s.rst()) {
                note = KernelText.get("ladder.note.zeroWindow");
            } else if (s.length() == 0 && !s.syn() && !s.fin() && !s.rst() && s.ack() >= 0 && s.ack() == lastAck[from]
                    && s.window() == lastWin[from] && highest[1 - from] >= 0 && after(highest[1 - from], s.ack())) {
                // RFC 5681: no data, same ACK and window, while the other side has data outstanding
                note = KernelText.get("ladder.note.duplicateAck");
            }
            if (end >= 0 && (highest[from] < 0 || after(end, highest[from]))) {
                highest[from] = end;
            }
            if (s.syn()) {
                lastSyn[from] = s.seq();
            }
            if (s.fin()) {
                lastFin[from] = s.seq();
            }
            lastAck[from] = s.ack();
            lastWin[from] = s.window();
            TcpState c0 = replay.state(0);
            TcpState s0 = replay.state(1);
            boolean crossed = s.fin() && crossedFin(conn, i, client);
            if (crossed) {
                note = KernelText.get("ladder.note.simultaneousClose");
            }
            replay.apply(s, from, crossed);
            if (note.isEmpty() && replay.passed(1 - from).size() > 1) {
                note = KernelText.get("ladder.note.ackAndFin");
            }
            double offset = Double.isNaN(s.time()) || Double.isNaN(t0) ? 0 : s.time() - t0;
            out.add(new Ladder.Arrow(s, from == 0 ? Ladder.Side.CLIENT : Ladder.Side.SERVER, flagWords(s.flags()),
                    s.seq() >= 0 ? relative(s.seq(), base[from]) : -1,
                    s.ack() >= 0 ? relative(s.ack(), base[1 - from]) : -1, offset, replay.state(0), replay.state(1),
                    replay.state(0) != c0, replay.state(1) != s0, note, replay.passed(0), replay.passed(1)));
        }
        return List.copyOf(out);
    }

    /** True if the other side's next FIN does not acknowledge FIN {@code i}: both were sent before either arrived. */
    private static boolean crossedFin(List<Segment> conn, int i, ClientSide client) {
        Segment fin = conn.get(i);
        boolean fromClient = client.sent(fin);
        long finAck = (fin.seq() + fin.length() + 1) % MOD;
        for (int j = i + 1; j < conn.size(); j++) {
            Segment s = conn.get(j);
            if (client.sent(s) != fromClient && s.fin()) {
                return !(s.hasAck() && (s.ack() == finAck || after(s.ack(), finAck)));
            }
        }
        return false;
    }

    private static boolean after(long a, long b) {
        long diff = ((a - b) % MOD + MOD) % MOD;
        return diff != 0 && diff < MOD / 2;
    }

    private static long relative(long value, long base) {
        return ((value - base) % MOD + MOD) % MOD;
    }

    /** tcpdump's flag letters in words: {@code S.} is {@code SYN+ACK}, {@code P.} is {@code PSH+ACK}. */
    static String flagWords(String flags) {
        List<String> words = new ArrayList<>();
        String[][] names = {{"S", "SYN"}, {"F", "FIN"}, {"R", "RST"}, {"P", "PSH"}, {"U", "URG"}, {"E", "ECE"},
                {"W", "CWR"}, {".", "ACK"}};
        for (String[] n : names) {
            if (flags.contains(n[0])) {
                words.add(n[1]);
            }
        }
        return words.isEmpty() ? "none" : String.join("+", words);
    }
}
