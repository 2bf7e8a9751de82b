package tcpip.segmentation.loss;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * One write() of N MSS-sized segments with chosen ones dropped once by an nftables rule: the capture,
 * the namespace's counters, ss -ti and (as root) the kernel's trace of that connection, and what they
 * say about the lost segment. drop-middle, drop-last and drop-last-two run it and explain the rest.
 */
final class DropRun {

    /** Packets shown before the middle is folded. */
    private static final int SHOWN = 16;

    private DropRun() {
    }

    /**
     * One data segment lost and recovered.
     *
     * @param seq            first byte of the dropped segment
     * @param end            byte after it
     * @param transmissions  how often that exact SEQ range appears in the capture
     * @param dupAcks        ACKs for {@code seq} after the first transmission and before the resend
     * @param sackAcks       of which carried SACK blocks
     * @param recovery       from the first transmission to the ACK that covers the segment
     * @param shaSent        SHA-256 of what the client wrote
     * @param shaGot         SHA-256 of what the server read
     * @param counters       nstat deltas (this namespace only)
     */
    record DropResult(long seq, long end, int transmissions, int dupAcks, int sackAcks, Duration recovery,
            String shaSent, String shaGot, Map<String, Long> counters) {
    }

    /** Everything one run measured. */
    record Outcome(DropResult result, Lab.Conn conn, long mss, List<Packet> packets, Optional<SsInfo> ss,
            Optional<List<CongestionTrace.Event>> trace) {
    }

    /** Drops the data segments with these 1-based numbers (first transmissions) of one write. */
    static Outcome run(Lab lab, Narrator n, int segments, List<Integer> numbers, String what) throws Exception {
        int port = lab.listen();
        try (PacketCapture cap = lab.capture(port)) {
            Lab.Conn c = lab.connect(port);
            long mss = lab.ss(c.clientPort(), port).map(s -> s.number("mss")).orElse(1448L);
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + LabSupport.DATA
                    + " numgen inc mod 1000000 " + numgen(numbers) + " counter drop";
            n.program(Msg.get("LossLab.nftInput", rule));
            Map<String, Long> before;
            String[] got;
            Optional<List<CongestionTrace.Event>> trace = Optional.empty();
            Optional<CongestionTrace> tracing = CongestionTrace.tryStart(c.clientPort(), port);
            try {
                lab.ns().dropRule(rule);
                before = lab.nstat();
                n.program(Msg.get("LossLab.oneWrite", segments, mss));
                got = lab.expect("send " + segments * mss, "received");
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
                if (tracing.isPresent()) {
                    trace = Optional.of(tracing.get().stop());
                }
            }
            Map<String, Long> counters = Lab.delta(before, lab.nstat(), LabSupport.COUNTERS);
            Optional<SsInfo> ss = lab.ss(c.clientPort(), port);
            lab.expect("close", "closed");
            cap.await(LabSupport.bothFins(), LabSupport.SETTLE);
            List<Packet> ps = cap.stopPackets();
            Outcome o = new Outcome(analyse(ps, c, got[2], got[3], counters), c, mss, ps, ss, trace);
            narrate(n, o, what);
            return o;
        }
    }

    static DropResult analyse(List<Packet> ps, Lab.Conn c, String shaSent, String shaGot, Map<String, Long> counters) {
        List<Segment> data = LabSupport.dataFrom(ps, c.clientPort());
        Segment first = null;
        Segment again = null;
        for (int i = 0; i < data.size() && again == null; i++) {
            for (int j = i + 1; j < data.size(); j++) {
                if (data.get(j).seq() == data.get(i).seq() && data.get(j).seqEnd() == data.get(i).seqEnd()) {
                    first = data.get(i);
                    again = data.get(j);
                    break;
                }
            }
        }
        if (first == null) {
            return new DropResult(-1, -1, 1, 0, 0, Duration.ZERO, shaSent, shaGot, counters);
        }
        long seq = first.seq();
        long end = first.seqEnd();
        double t1 = first.time();
        double t2 = again.time();
        int transmissions = (int) data.stream().filter(s -> s.seq() == seq && s.seqEnd() == end).count();
        List<Packet> dups = ps.stream().filter(p -> p.segment().srcPort() == c.serverPort()
                && p.segment().ack() == seq && p.segment().time() > t1 && p.segment().time() <= t2).toList();
        int sack = (int) dups.stream().filter(p -> !p.sack().isEmpty()).count();
        double covered = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == c.serverPort() && s.ack() >= end)
                .mapToDouble(Segment::time).filter(t -> t >= t2).min().orElse(t2);
        return new DropResult(seq, end, transmissions, dups.size(), sack, LabSupport.micros(covered - t1), shaSent,
                shaGot, counters);
    }

    /** numgen counts from 0: {@code == 4} for the 5th, {@code { 8, 9 }} for the 9th and 10th. */
    private static String numgen(List<Integer> numbers) {
        return numbers.size() == 1 ? "== " + (numbers.get(0) - 1) : numbers.stream().map(i -> String.valueOf(i - 1))
                .collect(Collectors.joining(", ", "{ ", " }"));
    }

    /** The packets from the first transmission of the hole to the ACK past it, the ladder, the measured facts. */
    private static void narrate(Narrator n, Outcome o, String what) throws IOException {
        DropResult r = o.result();
        n.note(Msg.get("LossLab.dropped", what));
        if (r.seq() < 0) {
            n.result(Msg.get("LossLab.ruleMissed"));
            return;
        }
        List<Packet> ps = o.packets();
        double t0 = ps.stream().map(Packet::segment).filter(s -> s.seq() == r.seq() && s.length() > 0)
                .mapToDouble(Segment::time).min().orElse(0);
        double t1 = t0 + r.recovery().toNanos() / 1e9;
        List<Packet> window = ps.stream().filter(p -> p.segment().time() >= t0 - 0.00001
                && p.segment().time() <= t1 + 0.00001).toList();
        for (int i = 0; i < window.size(); i++) {
            if (window.size() <= SHOWN || i < SHOWN - 4 || i >= window.size() - 4) {
                n.line(Narrator.label("packet"), window.get(i).describe(t0));
            } else if (i == SHOWN - 4) {
                n.line(Narrator.label("packet"), Msg.get("LossLab.more", window.size() - SHOWN));
            }
        }
        n.ladder(window.stream().map(Packet::segment).toList(), o.conn().client());
        n.timeSequence(ps.stream().map(Packet::segment).toList());
        n.result(Msg.get("LossLab.sentTimes", r.seq(), r.end(), r.transmissions(), r.dupAcks(), r.sackAcks()));
        n.result(Msg.get("LossLab.recovered", r.end(), Narrator.human(r.recovery())));
        n.result(r.shaSent().equals(r.shaGot()) ? Msg.get("LossLab.sha.intact", r.shaGot().substring(0, 16))
                : Msg.get("LossLab.sha.notMatch", r.shaGot().substring(0, 16), r.shaSent().substring(0, 16)));
        n.kernel(Msg.get("LossLab.nstat", LabSupport.grown(r.counters())));
        o.ss().ifPresent(ss -> n.kernel(Msg.get("LossLab.clientSs", "rto:" + ss.fields().get("rto") + " rtt:"
                + ss.fields().get("rtt") + " minrtt:" + ss.fields().get("minrtt") + " retrans:"
                + ss.fields().get("retrans") + " reordering:" + ss.fields().getOrDefault("reordering", "-")
                + " cwnd:" + ss.fields().get("cwnd"))));
    }
}
