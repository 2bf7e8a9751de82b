package tcpip.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Draws a {@link Ladder} as terminal lines: two lifelines, one arrow per packet, states beside them. */
final class LadderText {

    private static final int MIN_ARROW = 34;
    private static final int TIME_COLUMN = 10;

    private LadderText() {
    }

    /** Plain ASCII ({@code unicode == false}: pipes, logs, {@code --plain}) or Unicode box drawing. */
    static List<String> draw(Ladder ladder, boolean unicode) {
        String bar = unicode ? "│" : "|";
        String foldBar = unicode ? "┆" : ":";
        String dash = unicode ? "─" : "-";
        String right = unicode ? "▶" : ">";
        String left = unicode ? "◀" : "<";
        String dots = unicode ? "…" : "...";
        TcpState clientStart = ladder.start(Ladder.Side.CLIENT);
        TcpState serverStart = ladder.start(Ladder.Side.SERVER);
        List<Object> rows = ladder.rows();
        int labelWidth = 0;
        int stateWidth = TextWidth.of(clientStart.name());
        for (Object r : rows) {
            if (r instanceof Ladder.Arrow a) {
                labelWidth = Math.max(labelWidth, TextWidth.of(a.label()));
                stateWidth = Math.max(stateWidth, TextWidth.of(a.client().name()));
            }
        }
        int width = Math.max(MIN_ARROW, labelWidth + 7);
        String clientLabel = ladder.name(Ladder.Side.CLIENT) + " " + ladder.client();
        String serverLabel = ladder.name(Ladder.Side.SERVER) + " " + ladder.server();
        int prefix = Math.max(TIME_COLUMN + 2 + stateWidth, TextWidth.of(clientLabel));
        List<String> lines = new ArrayList<>();
        lines.add(TextWidth.padLeft(clientLabel, prefix) + " " + bar + " ".repeat(width) + bar + " " + serverLabel);
        lines.add(TextWidth.padRight("   " + KernelText.get("ladder.time.ms"), TIME_COLUMN)
                + TextWidth.padLeft(clientStart.name(), prefix - TIME_COLUMN) + " " + bar + " ".repeat(width) + bar
                + " " + serverStart.name());
        for (Object r : rows) {
            if (r instanceof Ladder.Arrow a) {
                String time = String.format(Locale.ROOT, "%" + (TIME_COLUMN - 1) + ".3f ", a.offsetSeconds() * 1000);
                String label = a.label();
                int fill = width - TextWidth.of(label) - 5;
                String body = a.from() == Ladder.Side.CLIENT
                        ? dash.repeat(2) + " " + label + " " + dash.repeat(fill) + right
                        : left + dash.repeat(fill) + " " + label + " " + dash.repeat(2);
                lines.add(TextWidth.padRight(time, TIME_COLUMN)
                        + TextWidth.padLeft(a.clientChanged() ? a.client().name() : "", prefix - TIME_COLUMN) + " "
                        + bar + body + bar + (a.serverChanged() ? " " + a.server().name() : ""));
            } else if (r instanceof Ladder.Fold f) {
                String text = dots + " " + ladder.summary(f) + " " + dots;
                lines.add(TextWidth.of(text) + 2 <= width
                        ? " ".repeat(prefix) + " " + foldBar + TextWidth.center(text, width) + foldBar
                        : " ".repeat(prefix) + " " + foldBar + " " + text); // wider than the arrows: no right bar
            }
        }
        if (ladder.arrows().isEmpty()) {
            lines.add(" ".repeat(prefix) + " " + bar + TextWidth.center(KernelText.get("ladder.no.packets"), width) + bar);
        }
        if (!ladder.sawHandshake() && !ladder.arrows().isEmpty()) {
            lines.add(KernelText.get("ladder.no.handshake"));
        }
        if (!ladder.roleReason().isEmpty()) {
            lines.add(ladder.roleReason());
        }
        if (ladder.otherConnections() > 0) {
            lines.add(KernelText.get("ladder.more.connections", String.valueOf(ladder.otherConnections())));
        }
        return lines;
    }
}
