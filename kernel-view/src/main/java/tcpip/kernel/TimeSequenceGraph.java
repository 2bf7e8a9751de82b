package tcpip.kernel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Stevens / tcptrace time-sequence graph of one connection as inline SVG, like Wireshark's:
 * each data segment is a vertical bar from its first to its last sequence number at the time
 * it was seen, with the receiver's ACK line below and its receive-window line (ACK + window)
 * above. A flat window line the data touches is flow control; bars repeated lower are
 * retransmissions (drawn red).
 */
public final class TimeSequenceGraph {

    /** At most this many data segments are drawn (the first ones). */
    public static final int MAX_SEGMENTS = 20_000;
    private static final int WIDTH = 760;
    private static final int HEIGHT = 380;
    private static final int LEFT = 80;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;
    private static final int TICKS = 5;
    private static final long MOD = 1L << 32;
    private static final double X_MARGIN = 1.05;

    private final List<Segment> connection;
    private final String sender;
    private final String receiver;
    private final long dataBytes;

    private TimeSequenceGraph(List<Segment> connection, String sender, String receiver, long dataBytes) {
        this.connection = connection;
        this.sender = sender;
        this.receiver = receiver;
        this.dataBytes = dataBytes;
    }

    /** The graph for the connection in {@code segments} that carried the most data, from its main sender. */
    public static TimeSequenceGraph of(List<Segment> segments) {
        List<Segment> best = List.of();
        String bestSender = "";
        long bestBytes = -1;
        for (List<Segment> conn : Ladder.connections(segments)) {
            Map<String, Long> bytes = new HashMap<>();
            for (Segment s : conn) {
                bytes.merge(endpoint(s, true), (long) s.length(), Long::sum);
            }
            for (var e : bytes.entrySet()) {
                if (e.getValue() > bestBytes) {
                    bestBytes = e.getValue();
                    best = conn;
                    bestSender = e.getKey();
                }
            }
        }
        String receiver = "";
        for (Segment s : best) {
            if (endpoint(s, true).equals(bestSender)) {
                receiver = endpoint(s, false);
                break;
            }
        }
        return new TimeSequenceGraph(best, bestSender, receiver, Math.max(bestBytes, 0));
    }

    private static String endpoint(Segment s, boolean source) {
        return source ? s.src() + ":" + s.srcPort() : s.dst() + ":" + s.dstPort();
    }

    /** Payload bytes the drawn sender sent (0: nothing to draw). */
    public long dataBytes() {
        return dataBytes;
    }

    /** The SVG element; {@code id} must be unique in the page. */
    public String svg(String id) {
        List<Segment> data = new ArrayList<>();
        List<Segment> acks = new ArrayList<>();
        long base = -1;
        int senderScale = -1;
        int receiverScale = -1;
        for (Segment s : connection) {
            boolean fromSender = endpoint(s, true).equals(sender);
            if (fromSender && s.syn()) {
                base = s.seq() + 1; // the first data byte
                senderScale = s.wscale();
            } else if (!fromSender && s.syn()) {
                receiverScale = s.wscale();
            }
            if (fromSender && s.length() > 0 && data.size() < MAX_SEGMENTS) {
                data.add(s);
            } else if (!fromSender && s.hasAck() && s.ack() >= 0) {
                acks.add(s);
            }
        }
        if (base < 0 && !data.isEmpty()) {
            base = data.get(0).seq();
        }
        // Window scaling applies only if both SYNs carried the option; without the SYNs it is unknown.
        boolean scaleKnown = connection.stream().anyMatch(s -> s.syn() && !endpoint(s, true).equals(sender));
        int shift = senderScale >= 0 && receiverScale >= 0 ? receiverScale : 0;
        // The time axis starts at the first data segment: the handshake and idle time before it say nothing here.
        double t0 = !data.isEmpty() ? data.get(0).time() : connection.isEmpty() ? 0 : connection.get(0).time();
        double tMax = 1e-6;
        long yMax = 1;
        for (Segment s : data) {
            tMax = Math.max(tMax, s.time() - t0);
            yMax = Math.max(yMax, rel(s.seq() + s.length(), base));
        }
        tMax *= X_MARGIN; // the time axis ends just after the last data segment
        final double end = tMax;
        acks.removeIf(a -> a.time() - t0 > end); // ACKs long after the data (the close) would squeeze the picture
        for (Segment a : acks) {
            yMax = Math.max(yMax, rel(a.ack(), base) + (scaleKnown ? a.window() << shift : 0));
        }
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        double sx = plotW / tMax;
        double sy = plotH / yMax;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tsg\" id=\"%s\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                LadderSvg.esc(id), WIDTH, HEIGHT, WIDTH, HEIGHT));
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" font-weight=\"bold\">%s</text>%n", LEFT,
                LadderSvg.esc(KernelText.get(scaleKnown ? "tsg.title" : "tsg.title.no.window", sender, receiver,
                        String.valueOf(data.size())))));
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= TICKS; i++) {
            double t = tMax * i / TICKS;
            double x = LEFT + t * sx;
            long y = yMax * i / TICKS;
            double py = TOP + plotH - y * sy;
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f ms</text>%n",
                    x, HEIGHT - BOTTOM + 16, t * 1000));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>%n",
                    LEFT - 4, py + 4, y));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + (int) plotW / 2, HEIGHT - 12, LadderSvg.esc(KernelText.get("tsg.axis.time"))));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
                + "text-anchor=\"middle\">%s</text>%n", TOP + (int) plotH / 2, TOP + (int) plotH / 2,
                LadderSvg.esc(KernelText.get("tsg.axis.seq"))));
        StringBuilder window = new StringBuilder();
        StringBuilder ack = new StringBuilder();
        for (Segment a : acks) {
            double x = LEFT + Math.max(0, a.time() - t0) * sx; // earlier ACKs: the starting values
            double ya = TOP + plotH - rel(a.ack(), base) * sy;
            long win = a.syn() ? a.window() : a.window() << shift; // a SYN's window is never scaled
            double yw = TOP + plotH - (rel(a.ack(), base) + win) * sy;
            step(ack, x, ya);
            if (scaleKnown) {
                step(window, x, yw);
            }
        }
        if (!ack.isEmpty()) { // both lines hold their last value to the right edge
            ack.append(String.format(Locale.ROOT, " H%.1f", LEFT + plotW));
        }
        if (!window.isEmpty()) {
            window.append(String.format(Locale.ROOT, " H%.1f", LEFT + plotW));
        }
        StringBuilder bars = new StringBuilder();
        StringBuilder retransmitted = new StringBuilder();
        long highest = -1;
        for (Segment s : data) {
            double x = LEFT + (s.time() - t0) * sx;
            long lo = rel(s.seq(), base);
            long hi = rel(s.seq() + s.length(), base);
            StringBuilder target = highest >= 0 && hi <= highest ? retransmitted : bars;
            target.append(String.format(Locale.ROOT, "M%.1f %.1f V%.1f ", x, TOP + plotH - lo * sy, TOP + plotH - hi * sy));
            highest = Math.max(highest, hi);
        }
        path(sb, "window", window, "#d90", 1.2);
        path(sb, "ack", ack, "#090", 1.2);
        path(sb, "data", bars, "#003", 1.6);
        path(sb, "retransmission", retransmitted, "#d00", 2.0);
        int ly = TOP + 14;
        legend(sb, ly, "#003", KernelText.get("tsg.legend.data"));
        legend(sb, ly + 14, "#090", KernelText.get("tsg.legend.ack"));
        if (scaleKnown) {
            legend(sb, ly + 28, "#d90", shift > 0 ? KernelText.get("tsg.legend.window.scaled", String.valueOf(shift))
                    : KernelText.get("tsg.legend.window"));
        }
        legend(sb, ly + 42, "#d00", KernelText.get("tsg.legend.retransmission"));
        return sb.append("</svg>\n").toString();
    }

    /** Extends a step line: across to the new time, then up or down to the new value. */
    private static void step(StringBuilder d, double x, double y) {
        d.append(d.isEmpty() ? String.format(Locale.ROOT, "M%.1f %.1f", x, y)
                : String.format(Locale.ROOT, " H%.1f V%.1f", x, y));
    }

    private static void path(StringBuilder sb, String cls, StringBuilder d, String color, double width) {
        if (!d.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "<path class=\"%s\" d=\"%s\" fill=\"none\" stroke=\"%s\" "
                    + "stroke-width=\"%s\"/>%n", cls, d.toString().trim(), color, width));
        }
    }

    private static void legend(StringBuilder sb, int y, String color, String text) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                + "stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10, y - 4, LEFT + 30, y - 4, color,
                LEFT + 36, y, LadderSvg.esc(text)));
    }

    private static long rel(long value, long base) {
        return ((value - base) % MOD + MOD) % MOD;
    }
}
