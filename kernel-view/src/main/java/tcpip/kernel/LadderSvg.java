package tcpip.kernel;

import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link Ladder} as inline SVG: two lifelines, one sloped arrow per packet, states beside
 * them ({@link LadderText} draws the same model for a terminal).
 */
final class LadderSvg {

    private static final int WIDTH = 760;
    private static final int LEFT = 230;
    private static final int RIGHT = 560;
    private static final int TOP = 50;
    private static final int ROW = 28;
    private static final int SLOPE = 14;

    private LadderSvg() {
    }

    static String render(Ladder ladder, String id) {
        List<Object> rows = ladder.rows();
        int height = TOP + ROW * (rows.size() + 1) + 30;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" id=\"%s\" width=\"%d\" height=\"%d\" "
                        + "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">%n",
                esc(id), WIDTH, height, WIDTH, height));
        sb.append("<defs><marker id=\"").append(esc(id)).append("-head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                + "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
                + "fill=\"context-stroke\"/></marker></defs>\n");
        sb.append(text(LEFT, 18, "middle", "bold", ladder.name(Ladder.Side.CLIENT) + " " + ladder.client()));
        sb.append(text(RIGHT, 18, "middle", "bold", ladder.name(Ladder.Side.SERVER) + " " + ladder.server()));
        sb.append(text(LEFT - 8, TOP - 8, "end", "state", ladder.start(Ladder.Side.CLIENT).name()));
        sb.append(text(RIGHT + 8, TOP - 8, "start", "state", ladder.start(Ladder.Side.SERVER).name()));
        sb.append(text(8, TOP - 8, "start", "", KernelText.get("ladder.time.ms")));
        int bottom = height - 20;
        sb.append(line(LEFT, TOP - 20, LEFT, bottom, "#444", 2, ""));
        sb.append(line(RIGHT, TOP - 20, RIGHT, bottom, "#444", 2, ""));
        int y = TOP;
        for (Object r : rows) {
            if (r instanceof Ladder.Arrow a) {
                boolean toServer = a.from() == Ladder.Side.CLIENT;
                int x1 = toServer ? LEFT : RIGHT;
                int x2 = toServer ? RIGHT : LEFT;
                String color = a.segment().rst() ? "#c00" : a.segment().syn() ? "#080" : a.segment().fin() ? "#00c"
                        : !a.note().isEmpty() ? "#d60" : "#222";
                sb.append("<g class=\"arrow\"><title>").append(esc(a.segment().describe())).append("</title>");
                sb.append(line(x1, y, x2, y + SLOPE, color, 1.5, "url(#" + id + "-head)"));
                sb.append(text((LEFT + RIGHT) / 2, y - 3, "middle", "", a.label()).replace("<text ",
                        "<text fill=\"" + color + "\" "));
                sb.append("</g>\n");
                sb.append(text(8, y + SLOPE, "start", "", String.format(Locale.ROOT, "%.3f", a.offsetSeconds() * 1000)));
                if (a.clientChanged()) {
                    sb.append(text(LEFT - 8, y + SLOPE + 4, "end", "state", a.client().name()));
                }
                if (a.serverChanged()) {
                    sb.append(text(RIGHT + 8, y + SLOPE + 4, "start", "state", a.server().name()));
                }
            } else if (r instanceof Ladder.Fold f) {
                sb.append(text((LEFT + RIGHT) / 2, y + SLOPE / 2, "middle", "fold", "… " + ladder.summary(f) + " …"));
            }
            y += ROW;
        }
        if (rows.isEmpty()) {
            sb.append(text((LEFT + RIGHT) / 2, y, "middle", "fold", KernelText.get("ladder.no.packets")));
        }
        return sb.append("</svg>\n").toString();
    }

    private static String line(int x1, int y1, int x2, int y2, String color, double width, String marker) {
        return String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"%s\"%s/>",
                x1, y1, x2, y2, color, width, marker.isEmpty() ? "" : " marker-end=\"" + marker + "\"");
    }

    private static String text(int x, int y, String anchor, String cls, String content) {
        String style = switch (cls) {
            case "bold" -> " font-weight=\"bold\"";
            case "state" -> " font-weight=\"bold\" fill=\"#805\"";
            case "fold" -> " font-style=\"italic\" fill=\"#666\"";
            default -> "";
        };
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\"%s>%s</text>", x, y, anchor, style,
                esc(content));
    }

    /** Escapes text for XML/HTML. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return sb.toString();
    }
}
