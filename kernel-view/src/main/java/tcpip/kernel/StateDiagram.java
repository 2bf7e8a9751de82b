package tcpip.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 9293's TCP state diagram as a compact terminal picture (with the kernel's state names),
 * the states each side visited drawn with heavy borders and numbered in order along the
 * bottom border: {@code c3} is the client's third state, {@code s3} the server's.
 */
public final class StateDiagram {

    private static final int WIDTH = 76;
    private static final int HEIGHT = 30;
    private static final int BOX = 15;
    private static final int COL_A = 2;
    private static final int COL_B = 27;
    private static final int COL_C = 52;
    /** The cell right of a wide character: it is covered by that character on a terminal. */
    private static final String WIDE_FILLER = "\u0000";

    /** Where each box sits: state, column, top row. The second CLOSED is the end of a connection. */
    private enum Box {
        CLOSED_START(TcpState.CLOSE, COL_B, 0), SYN_SENT(TcpState.SYN_SENT, COL_A, 4),
        LISTEN(TcpState.LISTEN, COL_C, 4), SYN_RECV(TcpState.SYN_RECV, COL_C, 8),
        ESTABLISHED(TcpState.ESTABLISHED, COL_B, 12), FIN_WAIT1(TcpState.FIN_WAIT1, COL_A, 17),
        CLOSE_WAIT(TcpState.CLOSE_WAIT, COL_C, 17), FIN_WAIT2(TcpState.FIN_WAIT2, COL_A, 21),
        CLOSING(TcpState.CLOSING, COL_B, 21), LAST_ACK(TcpState.LAST_ACK, COL_C, 21),
        TIME_WAIT(TcpState.TIME_WAIT, COL_A, 25), CLOSED_END(TcpState.CLOSE, COL_C, 25);

        final TcpState state;
        final int x;
        final int y;

        Box(TcpState state, int x, int y) {
            this.state = state;
            this.x = x;
            this.y = y;
        }

        int center() {
            return x + BOX / 2;
        }
    }

    private final char[][] canvas = new char[HEIGHT][WIDTH];
    private final Map<Box, List<String>> marks = new EnumMap<>(Box.class);
    private final List<TcpState> clientPath;
    private final List<TcpState> serverPath;

    private StateDiagram(List<TcpState> clientPath, List<TcpState> serverPath) {
        this.clientPath = List.copyOf(clientPath);
        this.serverPath = List.copyOf(serverPath);
        mark(clientPath, "c");
        mark(serverPath, "s");
    }

    /** The diagram with both sides' paths (each the states in the order visited). */
    public static StateDiagram of(List<TcpState> clientPath, List<TcpState> serverPath) {
        return new StateDiagram(clientPath, serverPath);
    }

    /** The diagram for what a ladder's capture showed. */
    public static StateDiagram of(Ladder ladder) {
        return of(ladder.path(Ladder.Side.CLIENT), ladder.path(Ladder.Side.SERVER));
    }

    private void mark(List<TcpState> path, String side) {
        for (int i = 0; i < path.size(); i++) {
            Box box = boxFor(path.get(i), i == 0);
            if (box != null) {
                marks.computeIfAbsent(box, b -> new ArrayList<>()).add(side + (i + 1));
            }
        }
    }

    private static Box boxFor(TcpState s, boolean first) {
        if (s == TcpState.CLOSE) {
            return first ? Box.CLOSED_START : Box.CLOSED_END;
        }
        if (s == TcpState.NEW_SYN_RECV) {
            return Box.SYN_RECV;
        }
        for (Box b : Box.values()) {
            if (b.state == s) {
                return b;
            }
        }
        return null;
    }

    /** The states a box would show as visited, with their path labels (for tests): e.g. {@code TIME_WAIT=[c6]}. */
    public Map<String, List<String>> visited() {
        Map<String, List<String>> out = new TreeMap<>();
        marks.forEach((b, m) -> out.put(b.name().startsWith("CLOSED") ? b.name() : b.state.name(), List.copyOf(m)));
        return out;
    }

    /** The picture plus one numbered path line per side, in ASCII or Unicode box drawing. */
    public List<String> text(boolean unicode) {
        for (char[] row : canvas) {
            Arrays.fill(row, ' ');
        }
        edges();
        for (Box b : Box.values()) {
            box(b, unicode);
        }
        List<String> lines = new ArrayList<>();
        for (char[] row : canvas) {
            String line = new String(row).replace(WIDE_FILLER, "").stripTrailing();
            lines.add(unicode ? line : ascii(line));
        }
        lines.add(KernelText.get("diagram.legend", unicode ? "╔═╗" : "#=#"));
        lines.add(KernelText.get("diagram.client.path", numbered(clientPath, unicode)));
        lines.add(KernelText.get("diagram.server.path", numbered(serverPath, unicode)));
        return lines;
    }

    private static String numbered(List<TcpState> path, boolean unicode) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            parts.add((i + 1) + " " + path.get(i).name());
        }
        return String.join(unicode ? " → " : " -> ", parts);
    }

    private void edges() {
        // the events on the edges, RFC 9293's "rcv X / send Y" in the process's language
        String rcvFin = KernelText.get("diagram.rcv.fin");
        String rcvAck = KernelText.get("diagram.rcv.ack");
        // CLOSED -> SYN_SENT (connect) and -> LISTEN (listen)
        hline(1, Box.SYN_SENT.center(), COL_B - 1);
        put(Box.SYN_SENT.center(), 1, '┌');
        vline(Box.SYN_SENT.center(), 2, 2);
        put(Box.SYN_SENT.center(), 3, '▼');
        label(Box.SYN_SENT.center() + 2, 0, "connect(): SYN");
        hline(1, COL_B + BOX, Box.LISTEN.center());
        put(Box.LISTEN.center(), 1, '┐');
        vline(Box.LISTEN.center(), 2, 2);
        put(Box.LISTEN.center(), 3, '▼');
        label(COL_B + BOX + 2, 0, "listen()");
        // LISTEN -> SYN_RECV
        put(Box.LISTEN.center(), 7, '▼');
        String rcvSyn = KernelText.get("diagram.rcv.syn");
        label(Box.LISTEN.center() - 2 - TextWidth.of(rcvSyn), 7, rcvSyn);
        // SYN_SENT -> ESTABLISHED, SYN_RECV -> ESTABLISHED
        vline(Box.SYN_SENT.center(), 7, 12);
        put(Box.SYN_SENT.center(), 13, '└');
        hline(13, Box.SYN_SENT.center() + 1, COL_B - 2);
        put(COL_B - 1, 13, '▶');
        label(Box.SYN_SENT.center() + 2, 9, KernelText.get("diagram.rcv.synack"));
        vline(Box.SYN_RECV.center(), 11, 12);
        put(Box.SYN_RECV.center(), 13, '┘');
        hline(13, COL_B + BOX + 1, Box.SYN_RECV.center() - 1);
        put(COL_B + BOX, 13, '◀');
        label(Box.SYN_RECV.center() + 2, 11, rcvAck);
        // ESTABLISHED -> FIN_WAIT1 (active close), -> CLOSE_WAIT (passive close)
        int leftExit = COL_B + 3;
        int rightExit = COL_B + BOX - 4;
        put(leftExit, 15, '┘');
        hline(15, Box.FIN_WAIT1.center() + 1, leftExit - 1);
        put(Box.FIN_WAIT1.center(), 15, '┌');
        put(Box.FIN_WAIT1.center(), 16, '▼');
        label(Box.FIN_WAIT1.center() + 2, 16, "close(): FIN");
        put(rightExit, 15, '└');
        hline(15, rightExit + 1, Box.CLOSE_WAIT.center() - 1);
        put(Box.CLOSE_WAIT.center(), 15, '┐');
        put(Box.CLOSE_WAIT.center(), 16, '▼');
        label(Box.CLOSE_WAIT.center() - 2 - TextWidth.of(rcvFin), 16, rcvFin);
        // FIN_WAIT1 -> FIN_WAIT2, -> CLOSING; CLOSE_WAIT -> LAST_ACK
        put(Box.FIN_WAIT1.center(), 20, '▼');
        label(Box.FIN_WAIT1.center() + 2, 20, rcvAck);
        hline(18, COL_A + BOX, Box.CLOSING.center() - 1);
        put(Box.CLOSING.center(), 18, '┐');
        vline(Box.CLOSING.center(), 19, 19);
        put(Box.CLOSING.center(), 20, '▼');
        label(COL_A + BOX + 2, 17, rcvFin);
        put(Box.CLOSE_WAIT.center(), 20, '▼');
        label(Box.CLOSE_WAIT.center() + 2, 20, "close(): FIN");
        // FIN_WAIT2 -> TIME_WAIT, CLOSING -> TIME_WAIT, LAST_ACK -> CLOSED
        put(Box.FIN_WAIT2.center(), 24, '▼');
        label(Box.FIN_WAIT2.center() + 2, 24, rcvFin);
        vline(Box.CLOSING.center(), 24, 25);
        put(Box.CLOSING.center(), 26, '┘');
        hline(26, COL_A + BOX + 1, Box.CLOSING.center() - 1);
        put(COL_A + BOX, 26, '◀');
        label(Box.CLOSING.center() + 2, 25, rcvAck);
        put(Box.LAST_ACK.center(), 24, '▼');
        label(Box.LAST_ACK.center() + 2, 24, rcvAck);
        // TIME_WAIT -> CLOSED after the timer
        put(Box.TIME_WAIT.center(), 28, '└');
        hline(28, Box.TIME_WAIT.center() + 1, Box.CLOSED_END.center() - 1);
        put(Box.CLOSED_END.center(), 28, '▲');
        label(Box.TIME_WAIT.center() + 4, 29, KernelText.get("diagram.time.wait.expires"));
    }

    private void box(Box b, boolean unicode) {
        List<String> m = marks.getOrDefault(b, List.of());
        boolean on = !m.isEmpty();
        char h = on ? '═' : '─';
        char v = on ? '║' : '│';
        String top = (on ? "╔" : "┌") + String.valueOf(h).repeat(BOX - 2) + (on ? "╗" : "┐");
        String name = b.state == TcpState.CLOSE ? "CLOSE" : b.state.name();
        String mid = v + center(name, BOX - 2) + v;
        String tag = on ? String.join(" ", m) : "";
        String inner = tag.isEmpty() ? String.valueOf(h).repeat(BOX - 2)
                : String.valueOf(h) + (" " + tag + " ") + String.valueOf(h).repeat(Math.max(0, BOX - 5 - tag.length()));
        if (inner.length() > BOX - 2) {
            inner = inner.substring(0, BOX - 2);
        }
        String bottom = (on ? "╚" : "└") + inner + (on ? "╝" : "┘");
        write(b.x, b.y, top);
        write(b.x, b.y + 1, mid);
        write(b.x, b.y + 2, bottom);
    }

    private static String center(String s, int width) {
        int spare = Math.max(0, width - s.length());
        return " ".repeat(spare / 2) + s + " ".repeat(spare - spare / 2);
    }

    /** Writes text into the canvas; a wide (Hangul) character fills two cells, the second a filler dropped on output. */
    private void write(int x, int y, String s) {
        int column = x;
        for (int i = 0; i < s.length() && column < WIDTH; i++) {
            char c = s.charAt(i);
            canvas[y][column++] = c;
            if (TextWidth.columns(c) == 2 && column < WIDTH) {
                canvas[y][column++] = WIDE_FILLER.charAt(0);
            }
        }
    }

    private void put(int x, int y, char c) {
        canvas[y][x] = c;
    }

    private void label(int x, int y, String s) {
        write(x, y, s);
    }

    private void hline(int y, int from, int to) {
        for (int x = from; x <= to; x++) {
            canvas[y][x] = '─';
        }
    }

    private void vline(int x, int from, int to) {
        for (int y = from; y <= to; y++) {
            canvas[y][x] = '│';
        }
    }

    private static String ascii(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (char c : line.toCharArray()) {
            sb.append(switch (c) {
                case '─' -> '-';
                case '│' -> '|';
                case '┌', '┐', '└', '┘' -> '+';
                case '═' -> '=';
                case '║', '╔', '╗', '╚', '╝' -> '#';
                case '▼' -> 'v';
                case '▲' -> '^';
                case '▶' -> '>';
                case '◀' -> '<';
                default -> c;
            });
        }
        return sb.toString();
    }
}
