package tcpip.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ladder (sequence) diagram of one connection, drawn from its captured segments: the client
 * on the left, the server on the right, one arrow per packet with its flags, relative SEQ/ACK,
 * length and time offset, and the state each side's kernel entered after it (replayed through
 * the TCP state machine). Long runs of ordinary segments are folded into one line.
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
    private static final int MIN_ARROW = 34;
    private static final int TIME_COLUMN = 10;
    private static final long MOD = 1L << 32;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

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
            String a = s.src() + "." + s.srcPort();
            String b = s.dst() + "." + s.dstPort();
            String key = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
            byConnection.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
        }
        return List.copyOf(byConnection.values());
    }

    /** The ladder of the first connection in {@code segments} (see {@link #otherConnections()}). */
    public static Ladder of(List<Segment> segments) {
        List<List<Segment>> all = connections(segments);
        if (all.isEmpty()) {
            return new Ladder(List.of(), "?", "?", "", TcpState.CLOSE, TcpState.CLOSE, false, 0, "client", "server");
        }
        List<Segment> conn = all.get(0);
        Segment first = conn.get(0);
        String a = first.src() + ":" + first.srcPort();
        String clientKey;
        String reason = "";
        Segment syn = conn.stream().filter(s -> s.syn() && !s.hasAck()).findFirst().orElse(null);
        Segment synAck = conn.stream().filter(s -> s.syn() && s.hasAck()).findFirst().orElse(null);
        if (syn != null) {
            clientKey = syn.src() + ":" + syn.srcPort();
        } else if (synAck != null) {
            clientKey = synAck.dst() + ":" + synAck.dstPort();
        } else if (PacketCapture.capturedPort(first.srcPort()) != PacketCapture.capturedPort(first.dstPort())) {
            boolean srcIsServer = PacketCapture.capturedPort(first.srcPort());
            clientKey = srcIsServer ? first.dst() + ":" + first.dstPort() : a;
            reason = KernelText.get("ladder.guess.captured", String.valueOf(srcIsServer ? first.srcPort() : first.dstPort()));
        } else {
            int[] range = ephemeralRange();
            boolean srcEphemeral = first.srcPort() >= range[0] && first.srcPort() <= range[1];
            boolean dstEphemeral = first.dstPort() >= range[0] && first.dstPort() <= range[1];
            if (srcEphemeral != dstEphemeral) {
                int port = srcEphemeral ? first.srcPort() : first.dstPort();
                clientKey = srcEphemeral ? a : first.dst() + ":" + first.dstPort();
                reason = KernelText.get("ladder.guess.ephemeral", String.valueOf(port), String.valueOf(range[0]),
                        String.valueOf(range[1]));
            } else {
                clientKey = a;
                reason = KernelText.get(srcEphemeral ? "ladder.guess.first.both" : "ladder.guess.first.neither",
                        String.valueOf(first.srcPort()), String.valueOf(range[0]), String.valueOf(range[1]));
            }
        }
        Segment anyClient = conn.stream().filter(s -> (s.src() + ":" + s.srcPort()).equals(clientKey)).findFirst()
                .orElse(first);
        String clientEndpoint = clientKey;
        String serverEndpoint = anyClient.dst() + ":" + anyClient.dstPort();
        if (!(anyClient.src() + ":" + anyClient.srcPort()).equals(clientKey)) {
            serverEndpoint = anyClient.src() + ":" + anyClient.srcPort();
        }
        boolean handshake = syn != null || synAck != null;
        // Nothing listened if the server's only answer to the SYN was RST (connection refused).
        boolean listening = synAck != null
                || conn.stream().noneMatch(s -> s.rst() && !(s.src() + ":" + s.srcPort()).equals(clientKey));
        StateReplay start = new StateReplay(handshake, listening);
        return new Ladder(arrows(conn, clientKey, handshake, listening), clientEndpoint, serverEndpoint, reason,
                start.state(0), start.state(1), handshake, all.size() - 1, "client", "server");
    }

    private static List<Arrow> arrows(List<Segment> conn, String clientKey, boolean sawSyn, boolean listening) {
        StateReplay replay = new StateReplay(sawSyn, listening);
        long[] base = {-1, -1};
        long[] highest = {-1, -1};
        long[] lastAck = {-1, -1};
        long[] lastWin = {-1, -1};
        long[] lastSyn = {-1, -1};
        long[] lastFin = {-1, -1};
        // Relative numbers start at each side's ISN, or at the first number seen for that side.
        for (Segment s : conn) {
            int from = (s.src() + ":" + s.srcPort()).equals(clientKey) ? 0 : 1;
            if (s.syn() && base[from] < 0) {
                base[from] = s.seq();
            }
        }
        for (Segment s : conn) {
            int from = (s.src() + ":" + s.srcPort()).equals(clientKey) ? 0 : 1;
            if (base[from] < 0 && s.seq() >= 0) {
                base[from] = s.seq();
            }
            if (base[1 - from] < 0 && s.ack() >= 0) {
                base[1 - from] = s.ack();
            }
        }
        double t0 = conn.get(0).time();
        List<Arrow> out = new ArrayList<>();
        for (int i = 0; i < conn.size(); i++) {
            Segment s = conn.get(i);
            int from = (s.src() + ":" + s.srcPort()).equals(clientKey) ? 0 : 1;
            String note = "";
            long end = s.seq() >= 0 ? (s.seq() + s.length() + (s.syn() || s.fin() ? 1 : 0)) % MOD : -1;
            if (s.syn() && lastSyn[from] == s.seq()) {
                note = "SYN retransmission";
            } else if (s.fin() && lastFin[from] == s.seq()) {
                note = "FIN retransmission";
            } else if (s.length() > 0 && highest[from] >= 0 && !after(end, highest[from])) {
                note = "retransmission";
            } else if (s.window() == 0 && !s.rst()) {
                note = "zero window";
            } else if (s.length() == 0 && !s.syn() && !s.fin() && !s.rst() && s.ack() >= 0 && s.ack() == lastAck[from]
                    && s.window() == lastWin[from] && highest[1 - from] >= 0 && after(highest[1 - from], s.ack())) {
                // RFC 5681: no data, same ACK and window, while the other side has data outstanding
                note = "duplicate ACK";
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
            boolean crossed = s.fin() && crossedFin(conn, i, clientKey);
            if (crossed) {
                note = "FINs crossed: simultaneous close";
            }
            replay.apply(s, from, crossed);
            if (note.isEmpty() && replay.passed(1 - from).size() > 1) {
                note = "ACK and FIN in one segment";
            }
            double offset = Double.isNaN(s.time()) || Double.isNaN(t0) ? 0 : s.time() - t0;
            out.add(new Arrow(s, from == 0 ? Side.CLIENT : Side.SERVER, flagWords(s.flags()),
                    s.seq() >= 0 ? relative(s.seq(), base[from]) : -1,
                    s.ack() >= 0 ? relative(s.ack(), base[1 - from]) : -1, offset, replay.state(0), replay.state(1),
                    replay.state(0) != c0, replay.state(1) != s0, note, replay.passed(0), replay.passed(1)));
        }
        return List.copyOf(out);
    }

    /** True if the other side's next FIN does not acknowledge FIN {@code i}: both were sent before either arrived. */
    private static boolean crossedFin(List<Segment> conn, int i, String clientKey) {
        Segment fin = conn.get(i);
        boolean fromClient = (fin.src() + ":" + fin.srcPort()).equals(clientKey);
        long finAck = (fin.seq() + fin.length() + 1) % MOD;
        for (int j = i + 1; j < conn.size(); j++) {
            Segment s = conn.get(j);
            if ((s.src() + ":" + s.srcPort()).equals(clientKey) != fromClient && s.fin()) {
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

    private static int[] ephemeralRange() {
        try {
            String[] parts = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999}; // Linux's default
        }
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
        java.util.Set<String> notes = new java.util.HashSet<>();
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
        path.add(side == Side.CLIENT ? clientStart : serverStart);
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
        String bar = unicode ? "│" : "|";
        String foldBar = unicode ? "┆" : ":";
        String dash = unicode ? "─" : "-";
        String right = unicode ? "▶" : ">";
        String left = unicode ? "◀" : "<";
        String dots = unicode ? "…" : "...";
        List<Object> rows = rows();
        int labelWidth = 0;
        int stateWidth = TextWidth.of(clientStart.name());
        for (Object r : rows) {
            if (r instanceof Arrow a) {
                labelWidth = Math.max(labelWidth, TextWidth.of(a.label()));
                stateWidth = Math.max(stateWidth, TextWidth.of(a.client().name()));
            }
        }
        int width = Math.max(MIN_ARROW, labelWidth + 7);
        String clientLabel = clientName + " " + clientEndpoint;
        String serverLabel = serverName + " " + serverEndpoint;
        int prefix = Math.max(TIME_COLUMN + 2 + stateWidth, TextWidth.of(clientLabel));
        List<String> lines = new ArrayList<>();
        lines.add(TextWidth.padLeft(clientLabel, prefix) + " " + bar + " ".repeat(width) + bar + " " + serverLabel);
        lines.add(TextWidth.padRight("   " + KernelText.get("ladder.time.ms"), TIME_COLUMN) + TextWidth.padLeft(clientStart.name(), prefix - TIME_COLUMN)
                + " " + bar + " ".repeat(width) + bar + " " + serverStart.name());
        for (Object r : rows) {
            if (r instanceof Arrow a) {
                String time = String.format(Locale.ROOT, "%" + (TIME_COLUMN - 1) + ".3f ", a.offsetSeconds() * 1000);
                String label = a.label();
                int fill = width - TextWidth.of(label) - 5;
                String body = a.from() == Side.CLIENT
                        ? dash.repeat(2) + " " + label + " " + dash.repeat(fill) + right
                        : left + dash.repeat(fill) + " " + label + " " + dash.repeat(2);
                lines.add(TextWidth.padRight(time, TIME_COLUMN)
                        + TextWidth.padLeft(a.clientChanged() ? a.client().name() : "", prefix - TIME_COLUMN) + " "
                        + bar + body + bar + (a.serverChanged() ? " " + a.server().name() : ""));
            } else if (r instanceof Fold f) {
                String text = dots + " " + summary(f) + " " + dots;
                lines.add(TextWidth.of(text) + 2 <= width
                        ? " ".repeat(prefix) + " " + foldBar + TextWidth.center(text, width) + foldBar
                        : " ".repeat(prefix) + " " + foldBar + " " + text); // wider than the arrows: no right bar
            }
        }
        if (arrows.isEmpty()) {
            lines.add(" ".repeat(prefix) + " " + bar + TextWidth.center(KernelText.get("ladder.no.packets"), width) + bar);
        }
        if (!sawSyn && !arrows.isEmpty()) {
            lines.add(KernelText.get("ladder.no.handshake"));
        }
        if (!roleReason.isEmpty()) {
            lines.add(roleReason);
        }
        if (otherConnections > 0) {
            lines.add(KernelText.get("ladder.more.connections", String.valueOf(otherConnections)));
        }
        return lines;
    }

    /** The picture as an SVG element (inline in HTML); {@code id} makes its marker ids unique in the page. */
    public String svg(String id) {
        return LadderSvg.render(this, id, clientName, serverName, clientStart, serverStart);
    }
}
