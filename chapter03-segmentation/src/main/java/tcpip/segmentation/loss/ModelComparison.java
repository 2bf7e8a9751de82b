package tcpip.segmentation.loss;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tcpip.kernel.TextWidth;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;
import tcpip.segmentation.seqack.SeqAckModel;

/** The same loss in SeqAckModel, textbook and Linux mode, in a table beside what the kernel did. */
final class ModelComparison {

    /** Display columns of the comparison table's first three columns (Hangul counts as two). */
    private static final int[] TABLE_COLUMNS = {32, 24, 22};

    /** The lab's scenarios as the model runs them: so many 10-byte segments, these transmissions lost. */
    enum Scenario {
        MIDDLE(10, List.of(3)), LAST(5, List.of(5)), LAST_TWO(5, List.of(4, 5));

        final int pieces;
        final List<Integer> lost;

        Scenario(int pieces, List<Integer> lost) {
            this.pieces = pieces;
            this.lost = lost;
        }
    }

    private ModelComparison() {
    }

    static void print(Narrator n, Scenario s, DropRun.Outcome o) {
        DropRun.DropResult r = o.result();
        String model = Msg.get("label.model");
        String table = Msg.get("label.table");
        SeqAckModel.Options textbook = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.copyOf(s.lost));
        SeqAckModel.Result book = SeqAckModel.run(new byte[s.pieces * 10], textbook);
        SeqAckModel.Result linux = SeqAckModel.run(new byte[s.pieces * 10], textbook.likeLinux());
        n.line(model, Msg.get("LossLab.model.same", s.lost, s.pieces));
        linux.recovery().forEach(l -> n.line(model, l.strip()));
        Set<Resenders> kernel = Resenders.of(r.counters());
        String how = kernel.isEmpty() ? "-" : kernel.stream().map(k -> switch (k) {
            case PROBE -> "TLP";
            case SACK -> "SACK/RACK";
            case TIMEOUT -> "RTO";
        }).collect(Collectors.joining(" + "));
        String yes = Msg.get("LossLab.cell.yes");
        String no = Msg.get("LossLab.cell.no");
        String leftOut = Msg.get("LossLab.cell.leftOut");
        n.line(table, row("", Msg.get("LossLab.col.kernel"), Msg.get("LossLab.col.textbook"), Msg.get("LossLab.col.linux")));
        n.line(table, row(Msg.get("LossLab.row.whatResent"), s == Scenario.MIDDLE
                ? Msg.get("LossLab.cell.afterDupAcks", how, r.dupAcks()) : how, Msg.get("LossLab.cell.timeoutOnly"),
                linux.fastAfterDupAcks().isEmpty() ? Msg.get("LossLab.cell.timeout")
                        : Msg.get("LossLab.cell.modelDupAcks", linux.fastAfterDupAcks().get(0))));
        n.line(table, row(Msg.get("LossLab.row.sentAgain"), LabSupport.counter(r.counters(), "TcpRetransSegs")
                + " (nstat TcpRetransSegs)", String.valueOf(book.retransmissions()), String.valueOf(linux.retransmissions())));
        n.line(table, row(Msg.get("LossLab.row.sack"), r.sackAcks() > 0 ? yes : Msg.get("LossLab.cell.noneBeforeResend"),
                leftOut, Msg.get("LossLab.cell.implied")));
        n.line(table, row(Msg.get("LossLab.row.rack"), kernel.contains(Resenders.PROBE) || kernel.contains(Resenders.SACK)
                ? Msg.get("LossLab.cell.used") : Msg.get("LossLab.cell.notUsed"), leftOut,
                Msg.get("LossLab.cell.reorderingOnly")));
        n.line(table, row(Msg.get("LossLab.row.cwnd"), o.ss().map(ss -> Msg.get("LossLab.cell.cwndAfter",
                ss.fields().get("cwnd"))).orElse(Msg.get("LossLab.cell.noSs")), Msg.get("LossLab.cell.noWindow"), leftOut));
        n.line(table, row(Msg.get("LossLab.row.inOrder"), r.shaSent().equals(r.shaGot()) ? Msg.get("LossLab.cell.yesSha")
                : Msg.get("LossLab.cell.NO"), book.complete() ? yes : no, linux.complete() ? yes : no));
    }

    /** One row of the model comparison table, padded by display width. */
    static String row(String what, String kernel, String textbook, String linux) {
        return TextWidth.padRight(what, TABLE_COLUMNS[0]) + " | " + TextWidth.padRight(kernel, TABLE_COLUMNS[1]) + " | "
                + TextWidth.padRight(textbook, TABLE_COLUMNS[2]) + " | " + linux;
    }
}
