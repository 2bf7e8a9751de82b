package tcpip.segmentation.seqack;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TextWidth;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * Real loss, real retransmission (데이터 송수신): in a throwaway namespace whose lo has MTU 1500, one
 * nftables rule drops chosen segments and the learner's own kernel recovers; each experiment
 * prints the packets, ss -ti, nstat and the times measured, beside the same scenario in SeqAckModel.
 */
public final class LossLab {

    /** The experiments, in the order "all" runs them. */
    public enum Experiment {
        ALL, MSS, DROP_MIDDLE, DROP_LAST, DROP_LAST_TWO, DROP_REPEATED, SYN_DROP, FINAL_ACK_DROP, RANDOM_LOSS
    }

    /** Data segments (not SYN/FIN/pure ACK): with timestamps a pure ACK is 52 bytes of IP. */
    private static final String DATA = "ip length > 64";
    private static final List<String> COUNTERS = List.of("TcpRetransSegs", "TcpExtTCPFastRetrans",
            "TcpExtTCPSackRecovery", "TcpExtTCPLossProbes", "TcpExtTCPLossProbeRecovery", "TcpExtTCPTimeouts");
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final int SEGMENTS = 20;
    private static final int DROPPED_INDEX = 5;
    private static final int BURST = 10;
    private static final int SHOWN = 16;
    private static final int DROPS = 4;
    private static final int[] LOSS_PERCENT = {0, 1, 2, 5, 10};

    private LossLab() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private network namespace, where the lab can make its own
        Lang.chooseFrom(args);
        Cli cli = new Cli("LossLab", Msg.get("LossLab.summary"));
        Cli.Option<Experiment> which = cli.enumOption("--experiment", Experiment.class, Experiment.ALL,
                Msg.get("LossLab.opt.experiment"));
        Cli.Option<Long> bulk = cli.sizeOption("--bytes", 4L << 20, 64L << 10, 256L << 20,
                Msg.get("LossLab.opt.bytes"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LossLab"
                + " -Dargs=\"--experiment drop-middle\"");
        cli.parse(args);
        cli.run(() -> {
            Optional<String> missing = Netns.missing();
            if (missing.isPresent()) {
                System.out.println("LossLab: " + missing.get());
                Cli.exit(Cli.EXIT_FAILURE);
            }
            Narrator n = Narrator.stdout();
            try (Lab lab = Lab.open()) {
                n.note(Msg.get("LossLab.namespace", lab.ns().name(), String.valueOf(lab.ns().mtu())));
                for (Experiment e : Experiment.values()) {
                    if (e != Experiment.ALL && (which.get() == Experiment.ALL || which.get() == e)) {
                        n.section("데이터 송수신", Msg.get("LossLab.section", e.name().toLowerCase().replace('_', '-')));
                        run(e, lab, n, bulk.get());
                    }
                }
            }
        });
    }

    /** Runs one experiment in an open lab. */
    static void run(Experiment e, Lab lab, Narrator n, long bulkBytes) throws Exception {
        switch (e) {
            case MSS -> mss(lab, n);
            case DROP_MIDDLE -> dropMiddle(lab, n);
            case DROP_LAST -> dropLast(lab, n);
            case DROP_LAST_TWO -> dropLastTwo(lab, n);
            case DROP_REPEATED -> dropRepeated(lab, n);
            case SYN_DROP -> synDrop(lab, n);
            case FINAL_ACK_DROP -> finalAckDrop(lab, n);
            case RANDOM_LOSS -> randomLoss(lab, n, bulkBytes);
            case ALL -> throw new IllegalArgumentException("run each experiment on its own");
        }
    }

    /** tcpdump on the lab namespace's lo for one port (the stage's .pcap file too, with --pcap). */
    private static PacketCapture capture(Lab lab, int port) throws IOException {
        PacketCapture c = PacketCapture.startIn(lab.ns().enter(), port);
        if (!c.running()) {
            throw new IOException(Msg.get("LossLab.noCapture", c.unavailableReason()));
        }
        return c;
    }

    /** The two ends of one lab connection. */
    record Conn(int serverPort, int clientPort, long connectMicros) {
    }

    /** A fresh connection from the peer's client to its listener (connect() waits up to 5 s). */
    static Conn connect(Lab lab, int port) throws IOException {
        String[] w = lab.expect("connect 5000", "connected");
        return new Conn(port, Integer.parseInt(w[1]), Long.parseLong(w[2]));
    }

    /** A fresh listener in the peer, on 127.0.0.1 and a port the kernel picks. */
    static int listen(Lab lab) throws IOException {
        return Integer.parseInt(lab.expect("listen", "port")[1]);
    }

    // ---- MSS ----------------------------------------------------------------------------------

    /** What the 1500-MTU namespace shows about MSS. */
    record MssResult(int synMss, long ssMss, long advmss, long pmtu, boolean timestamps, int largestPayload) {
    }

    static MssResult mss(Lab lab, Narrator n) throws Exception {
        int port = listen(lab);
        try (PacketCapture cap = capture(lab, port)) {
            Conn c = connect(lab, port);
            lab.expect("send 65536", "received");
            SsInfo ss = lab.ss(c.clientPort(), port).orElseThrow(() -> new IOException(Msg.get("LossLab.noSsRow")));
            lab.expect("close", "closed");
            cap.await(fin(port), SETTLE);
            List<Packet> ps = cap.stopPackets();
            Packet syn = ps.stream().filter(p -> p.segment().flags().equals("S")).findFirst()
                    .orElseThrow(() -> new IOException(Msg.get("LossLab.noSyn")));
            int largest = ps.stream().filter(p -> p.segment().dstPort() == port).mapToInt(p -> p.segment().length())
                    .max().orElse(0);
            MssResult r = new MssResult(syn.segment().mss(), ss.number("mss"), ss.number("advmss"), ss.number("pmtu"),
                    syn.timestamps(), largest);
            n.line(Narrator.label("packet"), syn.describe(syn.segment().time()) + (r.timestamps() ? " +timestamps" : ""));
            n.kernel(Msg.get("LossLab.clientSs", ss.mssLine()));
            n.result(relation("SYN mss = pmtu - 20 (IP) - 20 (TCP)", r.synMss(), r.pmtu() - 40));
            long tsBytes = r.timestamps() ? 12 : 0;
            n.result(relation(Msg.get("LossLab.mss.ssMss", tsBytes), r.ssMss(), r.synMss() - tsBytes));
            n.result(relation(Msg.get("LossLab.mss.largest"), r.largestPayload(), r.ssMss()));
            n.simplifies(Msg.get("LossLab.mss.article", r.ssMss()));
            return r;
        }
    }

    // ---- one segment dropped mid-stream -------------------------------------------------------

    /**
     * One data segment lost in the middle of a stream.
     *
     * @param seq            first byte of the dropped segment
     * @param end            byte after it
     * @param transmissions  how often that exact SEQ range appears in the capture
     * @param dupAcks        ACKs for {@code seq} after the first transmission and before the resend
     * @param sackAcks       of which carried SACK blocks
     * @param recovery       from the first transmission to the ACK that covers the segment
     * @param shaSent        SHA-256 of what the client wrote
     * @param shaGot         SHA-256 of what the server read
     * @param counters       nstat deltas
     */
    record DropResult(long seq, long end, int transmissions, int dupAcks, int sackAcks, Duration recovery,
            String shaSent, String shaGot, Map<String, Long> counters) {
    }

    static DropResult dropMiddle(Lab lab, Narrator n) throws Exception {
        return drop(lab, n, SEGMENTS, List.of(DROPPED_INDEX), Msg.get("LossLab.what.middle", DROPPED_INDEX, SEGMENTS));
    }

    static DropResult dropLast(Lab lab, Narrator n) throws Exception {
        return drop(lab, n, BURST, List.of(BURST), Msg.get("LossLab.what.last", BURST));
    }

    static DropResult dropLastTwo(Lab lab, Narrator n) throws Exception {
        return drop(lab, n, BURST, List.of(BURST - 1, BURST), Msg.get("LossLab.what.lastTwo", BURST));
    }

    /** Drops the data segments with these 1-based numbers (first transmissions) of one write. */
    private static DropResult drop(Lab lab, Narrator n, int segments, List<Integer> numbers, String what)
            throws Exception {
        int port = listen(lab);
        try (PacketCapture cap = capture(lab, port)) {
            Conn c = connect(lab, port);
            long mss = lab.ss(c.clientPort(), port).map(s -> s.number("mss")).orElse(1448L);
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + DATA
                    + " numgen inc mod 1000000 " + numgen(numbers) + " counter drop";
            n.program(Msg.get("LossLab.nftInput", rule));
            Map<String, Long> before;
            String[] got;
            try {
                lab.ns().dropRule(rule);
                before = lab.nstat();
                n.program(Msg.get("LossLab.oneWrite", segments, mss));
                got = lab.expect("send " + segments * mss, "received");
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            Map<String, Long> counters = Lab.delta(before, lab.nstat(), COUNTERS);
            SsInfo ss = lab.ss(c.clientPort(), port).orElse(null);
            lab.expect("close", "closed");
            cap.await(fin(port), SETTLE);
            List<Packet> ps = cap.stopPackets();
            DropResult r = analyseDrop(ps, c, got[2], got[3], counters);
            narrateDrop(n, ps, r, what, ss, numbers.contains(segments) ? numbers.size() : 0);
            return r;
        }
    }

    static DropResult analyseDrop(List<Packet> ps, Conn c, String shaSent, String shaGot, Map<String, Long> counters) {
        List<Segment> data = ps.stream().map(Packet::segment)
                .filter(s -> s.srcPort() == c.clientPort() && s.length() > 0).toList();
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
        return new DropResult(seq, end, transmissions, dups.size(), sack, micros(covered - t1), shaSent, shaGot,
                counters);
    }

    /** numgen counts from 0: {@code == 4} for the 5th, {@code { 8, 9 }} for the 9th and 10th. */
    private static String numgen(List<Integer> numbers) {
        return numbers.size() == 1 ? "== " + (numbers.get(0) - 1) : numbers.stream().map(i -> String.valueOf(i - 1))
                .collect(java.util.stream.Collectors.joining(", ", "{ ", " }"));
    }

    private static void narrateDrop(Narrator n, List<Packet> ps, DropResult r, String what, SsInfo ss, int tailLost) {
        boolean tail = tailLost > 0;
        n.note(Msg.get("LossLab.dropped", what));
        if (r.seq() < 0) {
            n.result(Msg.get("LossLab.ruleMissed"));
            return;
        }
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
        n.ladder(window.stream().map(Packet::segment).toList());
        n.timeSequence(ps.stream().map(Packet::segment).toList());
        n.result(Msg.get("LossLab.sentTimes", r.seq(), r.end(), r.transmissions(), r.dupAcks(), r.sackAcks()));
        n.result(Msg.get("LossLab.recovered", r.end(), Narrator.human(r.recovery())));
        n.result(r.shaSent().equals(r.shaGot()) ? Msg.get("LossLab.sha.intact", r.shaGot().substring(0, 16))
                : Msg.get("LossLab.sha.notMatch", r.shaGot().substring(0, 16), r.shaSent().substring(0, 16)));
        n.kernel(Msg.get("LossLab.nstat", r.counters()));
        if (ss != null) {
            n.kernel(Msg.get("LossLab.clientSs", "rto:" + ss.fields().get("rto") + " retrans:" + ss.fields().get("retrans")
                    + " cwnd:" + ss.fields().get("cwnd") + " lost:" + ss.fields().getOrDefault("lost", "0")
                    + " sacked:" + ss.fields().getOrDefault("sacked", "0")));
        }
        long rto = ss == null ? 200 : Math.max(200, ss.number("rto"));
        if (tail) {
            boolean probe = r.counters().getOrDefault("TcpExtTCPLossProbes", 0L) > 0;
            boolean timeout = r.counters().getOrDefault("TcpExtTCPTimeouts", 0L) > 0;
            String how = !probe ? (timeout ? "rto" : "neither") : (tailLost == 1 ? "tlpOne" : "tlpSeveral")
                    + (timeout ? ".rto" : "");
            n.note(Msg.get("LossLab.tail." + how));
            n.result(Msg.get(r.recovery().toMillis() < rto ? "LossLab.tail.faster" : "LossLab.tail.notFaster",
                    Narrator.human(r.recovery()), rto));
        } else {
            n.note(Msg.get("LossLab.notThreeDupAcks", r.dupAcks()));
        }
        compareWithModel(n, tailLost, r, ss);
    }

    private static void compareWithModel(Narrator n, int tailLost, DropResult r, SsInfo ss) {
        boolean tail = tailLost > 0;
        int pieces = tail ? 5 : 10;
        List<Integer> lost = tail ? (tailLost > 1 ? List.of(4, 5) : List.of(5)) : List.of(3);
        SeqAckModel.Options textbook = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.copyOf(lost));
        SeqAckModel.Result book = SeqAckModel.run(new byte[pieces * 10], textbook);
        SeqAckModel.Result linux = SeqAckModel.run(new byte[pieces * 10], textbook.likeLinux());
        n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.model.same", lost, pieces));
        for (String l : linux.recovery()) {
            n.line(tcpip.segmentation.Msg.get("label.model"), l.strip());
        }
        long probes = r.counters().getOrDefault("TcpExtTCPLossProbes", 0L);
        long fast = r.counters().getOrDefault("TcpExtTCPFastRetrans", 0L);
        long timeouts = r.counters().getOrDefault("TcpExtTCPTimeouts", 0L);
        String kernelHow = (probes > 0 ? "TLP " : "") + (fast > 0 ? "SACK/RACK " : "") + (timeouts > 0 ? "RTO" : "");
        String yes = Msg.get("LossLab.cell.yes");
        String no = Msg.get("LossLab.cell.no");
        String leftOut = Msg.get("LossLab.cell.leftOut");
        n.line(tcpip.segmentation.Msg.get("label.table"), row("", Msg.get("LossLab.col.kernel"), Msg.get("LossLab.col.textbook"), Msg.get("LossLab.col.linux")));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.whatResent"), tail ? kernelHow.strip()
                : Msg.get("LossLab.cell.afterDupAcks", kernelHow.strip(), r.dupAcks()), Msg.get("LossLab.cell.timeoutOnly"),
                linux.fastRetransmissions() > 0 ? Msg.get("LossLab.cell.oneDupAck") : Msg.get("LossLab.cell.timeout")));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.sentAgain"), r.counters().getOrDefault("TcpRetransSegs", 0L)
                + " (nstat TcpRetransSegs)", String.valueOf(book.retransmissions()), String.valueOf(linux.retransmissions())));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.sack"), r.sackAcks() > 0 ? yes : Msg.get("LossLab.cell.noneBeforeResend"),
                leftOut, Msg.get("LossLab.cell.implied")));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.rack"), kernelHow.contains("TLP") || fast > 0 ? Msg.get("LossLab.cell.used")
                : Msg.get("LossLab.cell.notUsed"), leftOut, leftOut));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.cwnd"), ss == null ? Msg.get("LossLab.cell.noSs")
                : Msg.get("LossLab.cell.cwndAfter", ss.fields().get("cwnd")), Msg.get("LossLab.cell.noWindow"), leftOut));
        n.line(tcpip.segmentation.Msg.get("label.table"), row(Msg.get("LossLab.row.inOrder"), r.shaSent().equals(r.shaGot()) ? Msg.get("LossLab.cell.yesSha")
                : Msg.get("LossLab.cell.NO"), book.complete() ? yes : no, linux.complete() ? yes : no));
    }

    /** Display columns of the comparison table's first three columns (Hangul counts as two). */
    private static final int[] TABLE_COLUMNS = {32, 24, 22};

    /** One row of the model comparison table, padded by display width. */
    static String row(String what, String kernel, String textbook, String linux) {
        return TextWidth.padRight(what, TABLE_COLUMNS[0]) + " | " + TextWidth.padRight(kernel, TABLE_COLUMNS[1]) + " | "
                + TextWidth.padRight(textbook, TABLE_COLUMNS[2]) + " | " + linux;
    }

    // ---- one segment dropped repeatedly: RTO back-off -----------------------------------------

    /**
     * One segment dropped {@link #DROPS} times in a row.
     *
     * @param intervals gaps between its transmissions
     * @param probes    how many of the resends were tail loss probes (nstat TCPLossProbes), the first ones
     * @param rtoGaps   the gaps that followed a retransmission timeout (intervals without the probes)
     * @param rtoMs     ss's rto before the drops (RFC 6298: max(rto_min, SRTT + 4 RTTVAR))
     * @param rtoMinMs  net.ipv4.tcp_rto_min_us / 1000 in the namespace
     */
    record RepeatResult(List<Duration> intervals, int probes, List<Duration> rtoGaps, long rtoMs, long rtoMinMs,
            Map<String, Long> counters) {
    }

    static RepeatResult dropRepeated(Lab lab, Narrator n) throws Exception {
        int port = listen(lab);
        try (PacketCapture cap = capture(lab, port)) {
            Conn c = connect(lab, port);
            lab.expect("send 100", "received"); // one round trip first: the RTT estimate exists
            long rto = lab.ss(c.clientPort(), port).map(s -> s.number("rto")).orElse(-1L);
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + DATA
                    + " numgen inc mod 1000000 < " + DROPS + " counter drop";
            n.program(Msg.get("LossLab.repeat.rule", rule, DROPS));
            Map<String, Long> before;
            try {
                lab.ns().dropRule(rule);
                before = lab.nstat();
                n.program(Msg.get("LossLab.repeat.write"));
                lab.expect("send 100", "received");
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            Map<String, Long> counters = Lab.delta(before, lab.nstat(), COUNTERS);
            lab.expect("close", "closed");
            cap.await(fin(port), SETTLE);
            List<Packet> ps = cap.stopPackets();
            List<Segment> data = ps.stream().map(Packet::segment)
                    .filter(s -> s.srcPort() == c.clientPort() && s.length() > 0).toList();
            Segment last = data.get(data.size() - 1);
            List<Double> times = data.stream().filter(s -> s.seq() == last.seq()).map(Segment::time).toList();
            List<Duration> intervals = new ArrayList<>();
            for (int i = 1; i < times.size(); i++) {
                intervals.add(micros(times.get(i) - times.get(i - 1)));
            }
            int probes = (int) Math.min(intervals.size(), counters.getOrDefault("TcpExtTCPLossProbes", 0L));
            long rtoMin = Long.parseLong(readOr(lab, "net.ipv4.tcp_rto_min_us", "200000")) / 1000;
            RepeatResult r = new RepeatResult(intervals, probes, intervals.subList(probes, intervals.size()), rto, rtoMin,
                    counters);
            double t0 = times.get(0);
            List<Packet> shown = ps.stream().filter(p -> p.segment().time() >= t0).limit(times.size() + 1L).toList();
            shown.forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(shown.stream().map(Packet::segment).toList());
            n.kernel(Msg.get("LossLab.repeat.before", rto, rtoMin * 1000, counters));
            n.line(tcpip.segmentation.Msg.get("label.table"), gapRow(Msg.get("LossLab.gap.resend"), Msg.get("LossLab.gap.measured"), Msg.get("LossLab.gap.sentBy"),
                    Msg.get("LossLab.gap.rule"), Msg.get("LossLab.gap.ratio")));
            for (int i = 0; i < intervals.size(); i++) {
                boolean probe = i < probes;
                int k = i - probes; // index among the timeouts
                String rule6298 = probe ? Msg.get("LossLab.gap.notRfc6298") : k == 0
                        ? "RTO = max(" + rtoMin + " ms, SRTT+4*RTTVAR) = " + rto + " ms" : Msg.get("LossLab.gap.double");
                String ratio = probe || k == 0 ? "" : String.format("%.2f", intervals.get(i).toNanos()
                        / (double) intervals.get(i - 1).toNanos());
                n.line(tcpip.segmentation.Msg.get("label.table"), gapRow("#" + (i + 1), Narrator.human(intervals.get(i)),
                        probe ? "tail loss probe" : Msg.get("LossLab.gap.rto"), rule6298, ratio));
            }
            boolean doubling = r.rtoGaps().size() >= 2;
            for (int i = 1; i < r.rtoGaps().size(); i++) {
                doubling &= r.rtoGaps().get(i).toNanos() >= 1.5 * r.rtoGaps().get(i - 1).toNanos();
            }
            n.result(Msg.get(doubling ? "LossLab.backOff.yes" : "LossLab.backOff.notMatch"));
            n.result(Msg.get(!r.rtoGaps().isEmpty() && r.rtoGaps().get(0).toMillis() >= rtoMin ? "LossLab.floor.yes"
                    : "LossLab.floor.notMatch", rtoMin));
            n.note(probes > 0 ? Msg.get("LossLab.alone.probes", probes, Narrator.human(intervals.get(0)))
                    : Msg.get("LossLab.alone"));
            SeqAckModel.Options o = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.of(1, 2, 3, 4));
            n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.model.textbookTimeouts", SeqAckModel.run(new byte[10], o).timeoutTicks()));
            n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.model.linuxTimeouts", SeqAckModel.run(new byte[10], o.likeLinux()).timeoutTicks()));
            return r;
        }
    }

    /** One row of the back-off table, padded by display width (Hangul counts as two). */
    private static String gapRow(String resend, String gap, String sentBy, String rule, String ratio) {
        return TextWidth.padRight(resend, 8) + " " + TextWidth.padRight(gap, 13) + " " + TextWidth.padRight(sentBy, 20) + " "
                + TextWidth.padRight(rule, 36) + " " + ratio;
    }

    // ---- SYN dropped --------------------------------------------------------------------------

    /** The first SYN lost: how long connect() took and when the SYNs left. */
    record SynResult(long connectMicros, List<Double> synTimes, int linearTimeouts, int synRetries) {
    }

    static SynResult synDrop(Lab lab, Narrator n) throws Exception {
        int port = listen(lab);
        int linear = Integer.parseInt(readOr(lab, "net.ipv4.tcp_syn_linear_timeouts", "0"));
        int retries = Integer.parseInt(readOr(lab, "net.ipv4.tcp_syn_retries", "6"));
        try (PacketCapture cap = capture(lab, port)) {
            String rule = "tcp dport " + port + " tcp flags & (syn|ack) == syn numgen inc mod 1000000 == 0 counter drop";
            n.program(Msg.get("LossLab.syn.rule", rule));
            Conn c;
            try {
                lab.ns().dropRule(rule);
                n.program(Msg.get("LossLab.syn.connect"));
                c = connect(lab, port);
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            lab.expect("close", "closed");
            cap.await(fin(port), SETTLE);
            List<Packet> ps = cap.stopPackets();
            List<Double> syns = ps.stream().map(Packet::segment).filter(s -> s.flags().equals("S")
                    && s.srcPort() == c.clientPort()).map(Segment::time).toList();
            SynResult r = new SynResult(c.connectMicros(), syns, linear, retries);
            double t0 = syns.isEmpty() ? 0 : syns.get(0);
            ps.stream().limit(4).forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(ps.stream().limit(4).map(Packet::segment).toList());
            n.result(Msg.get("LossLab.syn.returned", Narrator.human(Duration.ofNanos(c.connectMicros() * 1000))));
            if (syns.size() >= 2) {
                n.result(Msg.get("LossLab.syn.second", Narrator.human(micros(syns.get(1) - syns.get(0)))));
            } else {
                n.result(Msg.get("LossLab.syn.notMatch", syns.size()));
            }
            n.kernel(Msg.get("LossLab.syn.sysctls", linear, retries));
            n.note(Msg.get("LossLab.syn.schedule", synSchedule(linear, retries)));
            n.note(Msg.get("LossLab.syn.explain", linear, retries));
            n.simplifies(Msg.get("LossLab.syn.article"));
            n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.syn.model"));
            return r;
        }
    }

    /**
     * Send times (s after the first SYN) if every SYN is lost: the first {@code linear} retries
     * wait the 1 s initial RTO (plus one more at that value, as measured here), then it doubles.
     */
    static String synSchedule(int linear, int retries) {
        StringBuilder sb = new StringBuilder("0");
        long t = 0;
        long gap = 1;
        for (int i = 1; i <= retries; i++) {
            if (i > linear + 1) {
                gap *= 2;
            }
            t += gap;
            sb.append(", ").append(t);
        }
        return sb.toString();
    }

    // ---- the last ACK of a close dropped ------------------------------------------------------

    /** The passive closer's FIN sent twice and the active closer's ACK sent twice. */
    record CloseResult(List<Double> serverFins, List<Double> clientAcks, List<String> rows) {
    }

    static CloseResult finalAckDrop(Lab lab, Narrator n) throws Exception {
        int port = listen(lab);
        try (PacketCapture cap = capture(lab, port)) {
            Conn c = connect(lab, port);
            lab.expect("send 100", "received");
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port
                    + " tcp flags == ack ip length <= 64 numgen inc mod 1000000 == 0 counter drop";
            n.program(Msg.get("LossLab.close.rule", rule));
            List<String> rows;
            try {
                lab.ns().dropRule(rule);
                n.program(Msg.get("LossLab.close.program"));
                lab.expect("close", "closed");
                cap.await(ps -> count(ps, p -> p.segment().srcPort() == port && p.segment().fin()) >= 1, SETTLE);
                rows = lab.ssRows(port);
                rows.forEach(row -> n.kernel("ss -tano: " + row));
                cap.await(ps -> count(ps, p -> p.segment().srcPort() == port && p.segment().fin()) >= 2
                        && lastAckAfterSecondFin(ps, port, c.clientPort()), SETTLE);
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            List<Packet> ps = cap.stopPackets();
            List<Packet> closing = ps.stream().filter(p -> p.segment().fin() || p.segment().length() == 0
                    && p.segment().time() >= ps.stream().filter(q -> q.segment().fin()).mapToDouble(q -> q.segment()
                            .time()).min().orElse(Double.MAX_VALUE)).toList();
            double t0 = closing.isEmpty() ? 0 : closing.get(0).segment().time();
            closing.forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(closing.stream().map(Packet::segment).toList());
            List<Double> fins = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == port && s.fin())
                    .map(Segment::time).toList();
            double firstFin = fins.isEmpty() ? Double.MAX_VALUE : fins.get(0);
            List<Double> acks = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == c.clientPort()
                    && s.flags().equals(".") && s.length() == 0 && s.time() >= firstFin).map(Segment::time).toList();
            CloseResult r = new CloseResult(fins, acks, rows);
            if (fins.size() >= 2) {
                n.result(Msg.get("LossLab.close.resent", Narrator.human(micros(fins.get(1) - fins.get(0))), acks.size()));
            } else {
                n.result(Msg.get("LossLab.close.notMatch", fins.size()));
            }
            n.note(Msg.get("LossLab.close.timeWait"));
            n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.close.model"));
            return r;
        }
    }

    private static boolean lastAckAfterSecondFin(List<Packet> ps, int port, int clientPort) {
        double second = ps.stream().filter(p -> p.segment().srcPort() == port && p.segment().fin())
                .mapToDouble(p -> p.segment().time()).skip(1).findFirst().orElse(Double.MAX_VALUE);
        return ps.stream().anyMatch(p -> p.segment().srcPort() == clientPort && p.segment().time() >= second);
    }

    // ---- random loss on a bulk transfer -------------------------------------------------------

    /** One bulk transfer under a loss rate. */
    record LossRow(int percent, double mbPerSecond, long dropped, long ssRetrans, long retransSegs, long probes,
            boolean intact) {
    }

    static List<LossRow> randomLoss(Lab lab, Narrator n, long bytes) throws Exception {
        int port = listen(lab);
        List<LossRow> rows = new ArrayList<>();
        n.program(Msg.get("LossLab.random.program", bytes));
        connect(lab, port);
        lab.expect("send " + bytes, "received"); // untimed: both JVMs compile their loops first
        lab.expect("close", "closed");
        for (int percent : LOSS_PERCENT) {
            Conn c = connect(lab, port);
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + DATA + " numgen random mod 100 < "
                    + percent + " counter drop";
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
                    dropped = droppedPackets(lab.ns().listRule());
                }
            } finally {
                lab.ns().clearRules();
            }
            Map<String, Long> d = Lab.delta(before, lab.nstat(), COUNTERS);
            long ssRetrans = lab.ss(c.clientPort(), port).map(s -> {
                String v = s.fields().getOrDefault("retrans", "0/0");
                return Long.parseLong(v.substring(v.indexOf('/') + 1));
            }).orElse(-1L);
            lab.expect("close", "closed");
            double seconds = Long.parseLong(got[4]) / 1e6;
            rows.add(new LossRow(percent, bytes / 1e6 / seconds, dropped, ssRetrans, d.get("TcpRetransSegs"),
                    d.get("TcpExtTCPLossProbes"), got[2].equals(got[3])));
        }
        double best = rows.stream().mapToDouble(LossRow::mbPerSecond).max().orElse(1);
        for (LossRow r : rows) {
            int bar = (int) Math.round(40 * r.mbPerSecond() / best);
            n.line(Narrator.label("result"), Msg.get(r.intact() ? "LossLab.random.row" : "LossLab.random.row.notIntact",
                    String.format("%2d", r.percent()), String.format("%-40s", "#".repeat(Math.max(bar, 1))),
                    String.format("%7.1f", r.mbPerSecond()), String.format("%5d", r.dropped()),
                    String.format("%5d", r.ssRetrans()), String.format("%5d", r.retransSegs()),
                    String.format("%4d", r.probes())));
        }
        boolean intact = rows.stream().allMatch(LossRow::intact);
        n.note(Msg.get(intact ? "LossLab.random.intact" : "LossLab.random.notIntact"));
        rows.stream().filter(r -> r.retransSegs() > r.dropped()).findFirst().ifPresent(r -> n.note(Msg.get(
                "LossLab.random.spurious", r.percent(), r.retransSegs() - r.dropped(), r.probes())));
        String cc = readOr(lab, "net.ipv4.tcp_congestion_control", "(unknown)");
        n.note(Msg.get(cc.equals("bbr") ? "LossLab.random.cc.bbr" : "LossLab.random.cc", cc));
        SeqAckModel.Result m = SeqAckModel.run(new byte[1000], new SeqAckModel.Options(7, 10, 0.05, 0, 0, 4, 100_000));
        n.line(tcpip.segmentation.Msg.get("label.model"), Msg.get("LossLab.random.model", m.transmissions(), m.retransmissions()));
        return rows;
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The packet count of an nft rule's counter ("counter packets 12 bytes ..."), or 0. */
    static long droppedPackets(String rule) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("packets (\\d+)").matcher(rule);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Predicate<List<Packet>> fin(int port) {
        return ps -> count(ps, p -> p.segment().fin()) >= 2;
    }

    private static long count(List<Packet> ps, Predicate<Packet> p) {
        return ps.stream().filter(p).count();
    }

    private static Duration micros(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e6) * 1000);
    }

    private static String readOr(Lab lab, String sysctl, String fallback) {
        try {
            return lab.ns().sysctl(sysctl);
        } catch (IOException e) {
            return fallback;
        }
    }

    /** "NAME: a = b (matches)" or "... (does NOT match)". */
    static String relation(String name, long actual, long expected) {
        return Msg.get(actual == expected ? "LossLab.relation.matches" : "LossLab.relation.notMatch", name, actual, expected);
    }
}
