package tcpip.segmentation.loss;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tcpip.kernel.SsInfo;
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
    /** How long a transfer waits, after the server read everything, for the sender to see every segment ACKed. */
    static final Duration ACKED_TIMEOUT = Duration.ofSeconds(3);
    /** The lab's counters plus the receiver's DSACKs sent (both ends share the namespace's counters). */
    static final List<String> COUNTERS = Stream.concat(LabSupport.COUNTERS.stream(),
            Stream.of("TcpExtTCPDSACKOldSent", "TcpExtTCPDSACKOfoSent")).toList();

    private RandomLoss() {
    }

    /**
     * One bulk transfer under a loss rate; {@code counters} are the namespace's nstat deltas for it (both ends:
     * the client's resends and DSACKs received, the server's DSACKs sent); {@code sentSegs} and
     * {@code receivedSegs} are ss's data_segs_out of the client and data_segs_in of the server (-1 unread).
     */
    record LossRow(int percent, double mbPerSecond, long dropped, long ssRetrans, String cwnd, boolean intact,
            Map<String, Long> counters, long sentSegs, long receivedSegs) {

        long retransSegs() {
            return LabSupport.counter(counters, "TcpRetransSegs");
        }

        /** Data segments the receiver took in beyond those the sender sent once (-1 where ss showed no counts). */
        long arrivedAgain() {
            return sentSegs < 0 || receivedSegs < 0 || ssRetrans < 0 ? -1 : receivedSegs - (sentSegs - ssRetrans);
        }

        /** Data segments lost on the way besides the rule's drops (-1 where ss showed no counts). */
        long lostElsewhere() {
            return sentSegs < 0 || receivedSegs < 0 ? -1 : sentSegs - receivedSegs - dropped;
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
            // "received" means the server read every byte, not that the sender has seen every ACK: until it has,
            // a timer can still resend (and the rule drop) and DSACKs are still on their way; after it, nothing moves.
            awaitAllAcked(lab, c.clientPort(), port);
            if (percent > 0) {
                dropped = LabSupport.droppedPackets(lab.ns().listRule());
            }
        } finally {
            lab.ns().clearRules();
        }
        Map<String, Long> d = Lab.delta(before, lab.nstat(), COUNTERS);
        var ss = lab.ss(c.clientPort(), port); // both ends before the close: afterwards their rows are gone
        var server = lab.ss(port, c.clientPort());
        long ssRetrans = ss.map(s -> {
            String v = s.fields().getOrDefault("retrans", "0/0");
            return Long.parseLong(v.substring(v.indexOf('/') + 1));
        }).orElse(-1L);
        String cwnd = ss.map(s -> s.fields().getOrDefault("cwnd", "?")).orElse("?");
        lab.expect("close", "closed");
        double seconds = Long.parseLong(got[4]) / 1e6;
        return new LossRow(percent, bytes / 1e6 / seconds, dropped, ssRetrans, cwnd, got[2].equals(got[3]), d,
                segs(ss, "data_segs_out"), segs(server, "data_segs_in"));
    }

    /** Polls {@code ss} in the namespace until the sender has nothing unacknowledged (bounded: then reads anyway). */
    private static void awaitAllAcked(Lab lab, int clientPort, int serverPort) throws IOException {
        long deadline = System.nanoTime() + ACKED_TIMEOUT.toNanos();
        while (lab.ss(clientPort, serverPort).map(s -> s.fields().containsKey("unacked")).orElse(false)
                && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait(); // each ss run takes milliseconds: no extra wait needed
        }
    }

    private static long segs(Optional<SsInfo> ss, String field) {
        return ss.map(s -> s.fields().get(field)).filter(v -> v.matches("\\d+")).map(Long::parseLong).orElse(-1L);
    }

    /**
     * Resends beyond what the rule dropped, and what the run measured about them. Accounted for when the
     * receiver reported at least as many duplicates as the sender recognised (DSACK: the data had arrived, the
     * resend was spurious), or when the receiver's own count shows every one of them arrived as a second copy
     * (ss: it took in that many data segments more than the sender sent once, so nothing else was lost); the
     * receiver's DSACKs sent and the sender's DSACKs recognised are then printed side by side. Otherwise
     * "does NOT match".
     */
    static String extra(LossRow r) {
        long extra = r.retransSegs() - r.dropped();
        // segments the sender recognised as duplicates (one DSACK block may cover several: TCPDSACKRecvSegs)
        long dsack = r.counters().containsKey("TcpExtTCPDSACKRecvSegs")
                ? LabSupport.counter(r.counters(), "TcpExtTCPDSACKRecvSegs")
                : LabSupport.counter(r.counters(), "TcpExtTCPDSACKRecv");
        // DSACKs the receiver sent: both ends live in the namespace, so its counters are read too
        long dsackSent = LabSupport.counter(r.counters(), "TcpExtTCPDSACKOldSent")
                + LabSupport.counter(r.counters(), "TcpExtTCPDSACKOfoSent");
        long probes = LabSupport.counter(r.counters(), "TcpExtTCPLossProbes");
        long timeouts = LabSupport.counter(r.counters(), "TcpExtTCPTimeouts");
        long reorder = LabSupport.counter(r.counters(), "TcpExtTCPSACKReorder");
        if (dsack >= extra) {
            return Msg.get("LossLab.random.extra.dsack", r.percent(), extra, dsack, probes, timeouts, reorder);
        }
        if (r.arrivedAgain() == extra) {
            return Msg.get("LossLab.random.extra.arrived", r.percent(), extra, r.receivedSegs(),
                    r.sentSegs() - r.ssRetrans(), dsackSent, dsack, probes, timeouts, reorder);
        }
        return Msg.get("LossLab.random.extra.notMatch", r.percent(), extra, dsack, probes, timeouts, reorder,
                known(r.arrivedAgain()), known(r.lostElsewhere()), dsackSent);
    }

    private static String known(long n) {
        return n < 0 ? "?" : String.valueOf(n);
    }
}
