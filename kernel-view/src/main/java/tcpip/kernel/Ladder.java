package tcpip.kernel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ladder (sequence) diagram of one connection as a model, built from its captured segments:
 * which side is the client, one {@link Arrow} per packet with its flags, relative SEQ/ACK, length
 * and time offset, and the state each side's kernel entered after it (replayed through the TCP
 * state machine); long runs of ordinary segments fold into one row. Two drawings read it:
 * {@link #text} (terminal, {@link LadderText}) and {@link #svg} (HTML, {@link LadderSvg}).
 */
public final class Ladder {

    /** Which end of the connection. */
    public enum Side {
        CLIENT, SERVER;

        Side other() {
            return this == CLIENT ? SERVER : CLIENT;
        }
    }

    /**
     * One packet in the picture.
     *
     * @param segment       the captured segment
     * @param from          who sent it
     * @param flags         its flags in words, e.g. {@code SYN+ACK}, {@code PSH+ACK}
     * @param relativeSeq   SEQ minus the sender's ISN (first SEQ seen without a SYN), or -1 if the line had none
     * @param relativeAck   ACK minus the receiver's ISN, or -1 without the ACK flag
     * @param offsetSeconds time since the ladder's first packet
     * @param client        the client's state after this packet
     * @param server        the server's state after this packet
     * @param clientChanged true if this packet changed the client's state
     * @param serverChanged true if this packet changed the server's state
     * @param note          what is special about it ("retransmission", "zero window", ...) or ""
     * @param clientPassed  every state the client entered on this packet, in order (last = {@code client})
     * @param serverPassed  every state the server entered on this packet, in order (last = {@code server})
     */
    public record Arrow(Segment segment, Side from, String flags, long relativeSeq, long relativeAck,
            double offsetSeconds, TcpState client, TcpState server, boolean clientChanged, boolean serverChanged,
            String note, List<TcpState> clientPassed, List<TcpState> serverPassed) {

        /** e.g. {@code SYN+ACK seq=0 ack=1 len=0}. */
        public String label() {
            StringBuilder sb = new StringBuilder(flags);
            if (relativeSeq >= 0) {
                sb.append(" seq=").append(relativeSeq);
            }
            if (relativeAck >= 0) {
                sb.append(" ack=").append(relativeAck);
            }
            sb.append(" len=").append(segment.length());
            if (!note.isEmpty()) {
                sb.append(" [").append(note).append(']');
            }
            return sb.toString();
        }

        /** No SYN, FIN or RST and no state change: may be folded (the first of each note kind stays visible). */
        boolean ordinary() {
            return !segment.syn() && !segment.fin() && !segment.rst() && !clientChanged && !serverChanged;
        }
    }

    /** Ordinary segments left out of the picture, summarised on one line. */
    public record Fold(List<Arrow> arrows) {
    }

    /** A run of at least this many ordinary segments is folded. */
    public static final int FOLD_MIN_RUN = 10;
    private static final int FOLD_KEEP_HEAD = 3;
    private static final int FOLD_KEEP_TAIL = 2;

    private final List<Arrow> arrows;
    private final String clientEndpoint;
    private final String serverEndpoint;
    private final String roleReason;
    private final TcpState clientStart;
    private final TcpState serverStart;
    private final boolean sawSyn;
    private final int otherConnections;
    private final String clientName;
    private final String serverName;

    private Ladder(List<Arrow> arrows, String clientEndpoint, String serverEndpoint, String roleReason,
            TcpState clientStart, TcpState serverStart, boolean sawSyn, int otherConnections, String clientName,
            String serverName) {
        this.arrows = arrows;
        this.clientEndpoint = clientEndpoint;
        this.serverEndpoint = serverEndpoint;
        this.roleReason = roleReason;
        this.clientStart = clientStart;
        this.serverStart = serverStart;
        this.sawSyn = sawSyn;
        this.otherConnections = otherConnections;
        this.clientName = clientName;
        this.serverName = serverName;
    }

    /** The segments of each connection in a capture (a capture by port may hold several), in order of appearance. */
    public static List<List<Segment>> connections(List<Segment> segments) {
        Map<String, List<Segment>> byConnection = new LinkedHashMap<>();
        for (Segment s : segments) {
            String a = ClientSide.source(s);
            String b = ClientSide.destination(s);
            String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
            byConnection.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        return List.copyOf(byConnection.values());
    }

    /**
     * True if {@code endpoint} (may be null) sent any of {@code segments}: the capture holds that
     * endpoint's connection. A wildcard address matches the port alone.
     */
    public static boolean involves(List<Segment> segments, InetSocketAddress endpoint) {
        return ClientSide.involves(segments, endpoint);
    }

    /**
     * The ladder of the first connection in {@code segments} (see {@link #otherConnections()}); the
     * client is the side that sent the SYN, or, without one, a guess that {@link #roleReason()} states.
     * Only for a capture whose client nobody knows (a .pcap file someone brings): a program that made
     * the connection calls {@link #of(List, InetSocketAddress)} with its own client, and nothing is guessed.
     */
    public static Ladder of(List<Segment> segments) {
        return of(segments, null);
    }

    /**
     * The ladder of the connection whose client is {@code knownClient}: the program that made the
     * connection knows its own address and port, so nothing is guessed (a wildcard address matches
     * the port alone). With {@code null}, or when no connection has that endpoint, this is
     * {@link #of(List)}: the first connection, its client taken from the packets.
     */
    public static Ladder of(List<Segment> segments, InetSocketAddress knownClient) {
        List<List<Segment>> all = connections(segments);
        if (all.isEmpty()) {
            return new Ladder(List.of(), "?", "?", "", TcpState.CLOSE, TcpState.CLOSE, false, 0, "client", "server");
        }
        List<Segment> conn = all.stream().filter(c -> ClientSide.involves(c, knownClient)).findFirst()
                .orElse(all.get(0));
        ClientSide side = ClientSide.of(conn, ClientSide.involves(conn, knownClient) ? knownClient : null);
        String clientKey = side.endpoint();
        Segment anyClient = conn.stream().filter(side::sent).findFirst().orElse(conn.get(0));
        String serverEndpoint = side.sent(anyClient) ? ClientSide.destination(anyClient) : ClientSide.source(anyClient);
        boolean handshake = conn.stream().anyMatch(Segment::syn);
        // Nothing listened if the server's only answer to the SYN was RST (connection refused).
        boolean listening = conn.stream().anyMatch(s -> s.syn() && s.hasAck())
                || conn.stream().noneMatch(s -> s.rst() && !side.sent(s));
        StateReplay start = new StateReplay(handshake, listening);
        return new Ladder(LadderArrows.of(conn, side, handshake, listening), clientKey, serverEndpoint, side.reason(),
                start.state(0), start.state(1), handshake, all.size() - 1, "client", "server");
    }

    /** The same ladder with other names for the two columns (e.g. 클라이언트, 서버). */
    public Ladder named(String client, String server) {
        return new Ladder(arrows, clientEndpoint, serverEndpoint, roleReason, clientStart, serverStart, sawSyn,
                otherConnections, client, server);
    }

    /** One arrow per captured segment, none folded. */
    public List<Arrow> arrows() {
        return arrows;
    }

    /** What the picture shows, in order: {@link Arrow}s and {@link Fold}s of long ordinary runs. */
    public List<Object> rows() {
        List<Object> rows = new ArrayList<>();
        int i = 0;
        while (i < arrows.size()) {
            int j = i;
            while (j < arrows.size() && arrows.get(j).ordinary()) {
                j++;
            }
            if (j - i >= FOLD_MIN_RUN) {
                fold(arrows.subList(i, j), rows);
            } else {
                rows.addAll(arrows.subList(i, j));
            }
            if (j < arrows.size()) {
                rows.add(arrows.get(j));
            }
            i = j + 1;
        }
        return rows;
    }

    /**
     * Folds a long run of ordinary arrows: its first and last few stay, and so does the first
     * arrow of each kind of note (the first zero window, retransmission, duplicate ACK...).
     */
    private static void fold(List<Arrow> run, List<Object> rows) {
        boolean[] visible = new boolean[run.size()];
        Set<String> notes = new HashSet<>();
        for (int k = 0; k < run.size(); k++) {
            String note = run.get(k).note();
            visible[k] = k < FOLD_KEEP_HEAD || k >= run.size() - FOLD_KEEP_TAIL || (!note.isEmpty() && notes.add(note));
        }
        int k = 0;
        while (k < run.size()) {
            if (visible[k]) {
                rows.add(run.get(k++));
                continue;
            }
            int end = k;
            while (end < run.size() && !visible[end]) {
                end++;
            }
            if (end - k >= 2) {
                rows.add(new Fold(run.subList(k, end)));
            } else {
                rows.addAll(run.subList(k, end));
            }
            k = end;
        }
    }

    /** The client's address:port (the side that sent the SYN). */
    public String client() {
        return clientEndpoint;
    }

    /** The server's address:port. */
    public String server() {
        return serverEndpoint;
    }

    /** The name of a side's column ({@code client}, or what {@link #named} gave). */
    public String name(Side side) {
        return side == Side.CLIENT ? clientName : serverName;
    }

    /** A side's state before the first packet: CLOSE/LISTEN with a handshake, else ESTABLISHED. */
    public TcpState start(Side side) {
        return side == Side.CLIENT ? clientStart : serverStart;
    }

    /** True if the capture holds the handshake (a SYN). */
    public boolean sawHandshake() {
        return sawSyn;
    }

    /** Why the client was chosen as it was, when the capture had no SYN to tell ("" otherwise). */
    public String roleReason() {
        return roleReason;
    }

    /** How many further connections the capture held that this ladder does not draw. */
    public int otherConnections() {
        return otherConnections;
    }

    /** The states one side went through, from before the first packet, without repeats. */
    public List<TcpState> path(Side side) {
        List<TcpState> path = new ArrayList<>();
        path.add(start(side));
        for (Arrow a : arrows) {
            for (TcpState s : side == Side.CLIENT ? a.clientPassed() : a.serverPassed()) {
                if (s != path.get(path.size() - 1)) {
                    path.add(s);
                }
            }
        }
        return path;
    }

    /** One line summarising folded segments, e.g. {@code 37 segments: 30 from client (43.9 KiB data), 7 from server}. */
    public String summary(Fold fold) {
        int[] count = new int[2];
        long[] bytes = new long[2];
        for (Arrow a : fold.arrows()) {
            count[a.from().ordinal()]++;
            bytes[a.from().ordinal()] += a.segment().length();
        }
        String[] names = {clientName, serverName};
        List<String> sides = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (count[i] > 0) {
                sides.add(bytes[i] > 0
                        ? KernelText.get("ladder.fold.side.data", String.valueOf(count[i]), names[i], bytes(bytes[i]))
                        : KernelText.get("ladder.fold.side", String.valueOf(count[i]), names[i]));
            }
        }
        StringBuilder sb = new StringBuilder(KernelText.get("ladder.fold", String.valueOf(fold.arrows().size()),
                String.join(", ", sides)));
        Map<String, Integer> notes = new LinkedHashMap<>();
        fold.arrows().stream().filter(a -> !a.note().isEmpty()).forEach(a -> notes.merge(a.note(), 1, Integer::sum));
        notes.forEach((note, n) -> sb.append("; ").append(n).append(' ').append(note));
        return sb.toString();
    }

    private static String bytes(long n) {
        return n < 1024 ? n + " B" : n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }

    /**
     * The picture as terminal lines: plain ASCII ({@code unicode == false}: pipes, logs,
     * {@code --plain}) or Unicode box drawing. Wide (Korean) characters count as two columns.
     */
    public List<String> text(boolean unicode) {
        return LadderText.draw(this, unicode);
    }

    /** The picture as an SVG element (inline in HTML); {@code id} makes its marker ids unique in the page. */
    public String svg(String id) {
        return LadderSvg.render(this, id);
    }
}
