package tcpip.segmentation.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;
import tcpip.segmentation.seqack.SeqAckModel;

/**
 * random-loss: one bulk write per loss rate with the rule dropping that share of data segments at random.
 * Each row puts the rate beside what the rule dropped (nft counter), what the kernel resent (ss, nstat) and,
 * where it resent more than was dropped, which counters account for the extra resends.
 */
final class RandomLoss {

    static final int[] LOSS_PERCENT = {0, 1, 2, 5, 10};

    private RandomLoss() {
    }

    /** One bulk transfer under a loss rate; {@code counters} are the namespace's nstat deltas for it. */
    record LossRow(int percent, double mbPerSecond, long dropped, long ssRetrans, String cwnd, boolean intact,
            Map<String, Long> counters) {

        long retransSegs() {
            return LabSupport.counter(counters, "TcpRetransSegs");
        }
    }

    static List<LossRow> run(Lab lab, Narrator n, long bytes) throws Exception {
        int port = lab.listen();
        List<LossRow> rows = new ArrayList<>();
        n.program(Msg.get("LossLab.random.program", bytes));
        lab.connect(port);
        lab.expect("send " + bytes, "received"); // untimed: both JVMs compile their loops first
        lab.expect("close", "closed");
        for (int percent : LOSS_PERCENT) {
            rows.add(transfer(lab, port, percent, bytes));
        }
        double best = rows.stream().mapToDouble(LossRow::mbPerSecond).max().orElse(1);
        for (LossRow r : rows) {
            int bar = (int) Math.round(40 * r.mbPerSecond() / best);
            n.line(Narrator.label("result"), Msg.get(r.intact() ? "LossLab.random.row" : "LossLab.random.row.notIntact",
                    String.format("%2d", r.percent()), String.format("%-40s", "#".repeat(Math.max(bar, 1))),
                    String.format("%7.1f", r.mbPerSecond()), String.format("%5d", r.dropped()),
                    String.format("%5d", r.ssRetrans()), String.format("%5d", r.retransSegs()),
                    String.format("%4d", LabSupport.counter(r.counters(), "TcpExtTCPLossProbes")), r.cwnd()));
        }
        n.note(Msg.get(rows.stream().allMatch(LossRow::intact) ? "LossLab.random.intact" : "LossLab.random.notIntact"));
        rows.stream().filter(r -> r.retransSegs() > r.dropped()).forEach(r -> n.result(extra(r)));
        n.kernel(Msg.get("LossLab.random.cc", lab.sysctlOr("net.ipv4.tcp_congestion_control", "?")));
        SeqAckModel.Result m = SeqAckModel.run(new byte[1000], new SeqAckModel.Options(7, 10, 0.05, 0, 0, 4, 100_000));
        n.line(Msg.get("label.model"), Msg.get("LossLab.random.model", m.transmissions(), m.retransmissions()));
        return rows;
    }

    private static LossRow transfer(Lab lab, int port, int percent, long bytes) throws Exception {
        Lab.Conn c = lab.connect(port);
        String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + LabSupport.DATA
                + " numgen random mod 100 < " + percent + " counter drop";
        String[] got;
        Map<String, Long> before;
        long dropped = 0;
        try {
            if (percent > 0) {
                lab.ns().dropRule(rule);
            }
            before = lab.nstat();
            got = lab.expect("send " + bytes, "received");
            if (percent > 0) {
                dropped = LabSupport.droppedPackets(lab.ns().listRule());
            }
        } finally {
            lab.ns().clearRules();
        }
        Map<String, Long> d = Lab.delta(before, lab.nstat(), LabSupport.COUNTERS);
        var ss = lab.ss(c.clientPort(), port);
        long ssRetrans = ss.map(s -> {
            String v = s.fields().getOrDefault("retrans", "0/0");
            return Long.parseLong(v.substring(v.indexOf('/') + 1));
        }).orElse(-1L);
        String cwnd = ss.map(s -> s.fields().getOrDefault("cwnd", "?")).orElse("?");
        lab.expect("close", "closed");
        double seconds = Long.parseLong(got[4]) / 1e6;
        return new LossRow(percent, bytes / 1e6 / seconds, dropped, ssRetrans, cwnd, got[2].equals(got[3]), d);
    }

    /**
     * Resends beyond what the rule dropped, and what the counters say about them: duplicates the receiver
     * reported (DSACK: the data had arrived, the resend was spurious), loss probes, timeouts.
     */
    static String extra(LossRow r) {
        long extra = r.retransSegs() - r.dropped();
        // segments the receiver reported as duplicates (one DSACK block may cover several: TCPDSACKRecvSegs)
        long dsack = r.counters().containsKey("TcpExtTCPDSACKRecvSegs")
                ? LabSupport.counter(r.counters(), "TcpExtTCPDSACKRecvSegs")
                : LabSupport.counter(r.counters(), "TcpExtTCPDSACKRecv");
        long probes = LabSupport.counter(r.counters(), "TcpExtTCPLossProbes");
        long timeouts = LabSupport.counter(r.counters(), "TcpExtTCPTimeouts");
        long reorder = LabSupport.counter(r.counters(), "TcpExtTCPSACKReorder");
        String key = dsack >= extra ? "LossLab.random.extra.dsack" : "LossLab.random.extra.notMatch";
        return Msg.get(key, r.percent(), extra, dsack, probes, timeouts, reorder);
    }
}
