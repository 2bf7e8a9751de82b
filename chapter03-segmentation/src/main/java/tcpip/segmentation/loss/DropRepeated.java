package tcpip.segmentation.loss;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TextWidth;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;
import tcpip.segmentation.seqack.SeqAckModel;

/**
 * drop-repeated: one 100-byte segment, alone in flight, dropped four times. Each wait is computed the
 * way Linux computes it (a tail loss probe first when the counters show one, then the RTO from ss and
 * its doubling, in timer ticks) and set against the gap the capture measured.
 */
final class DropRepeated {

    static final int DROPS = 4;

    private DropRepeated() {
    }

    /**
     * One segment dropped {@link #DROPS} times in a row.
     *
     * @param intervals gaps between its transmissions (capture)
     * @param expected  the wait Linux computes for each gap: the probe's, then the RTO's doubling
     * @param probes    how many of the resends were tail loss probes (nstat TCPLossProbes), the first ones
     * @param timers    the RTO and probe arithmetic from ss before the drops
     */
    record RepeatResult(List<Duration> intervals, List<Duration> expected, int probes, LinuxTimers timers,
            Map<String, Long> counters) {

        /** Per gap: measured within the timer wheel's lateness of the expected wait. */
        List<Boolean> onTime() {
            List<Boolean> onTime = new ArrayList<>();
            for (int i = 0; i < intervals.size(); i++) {
                onTime.add(timers.ticks().firedOnTime(expected.get(i), intervals.get(i)));
            }
            return onTime;
        }

        boolean allOnTime() {
            return !intervals.isEmpty() && onTime().stream().allMatch(b -> b);
        }

        /** True if no gap was shorter than its wait: a kernel timer can fire late, never early. */
        boolean noneEarly() {
            for (int i = 0; i < intervals.size(); i++) {
                if (timers.ticks().firedEarly(expected.get(i), intervals.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    static RepeatResult run(Lab lab, Narrator n) throws Exception {
        int port = lab.listen();
        try (PacketCapture cap = lab.capture(port)) {
            Lab.Conn c = lab.connect(port);
            lab.expect("send 100", "received"); // one round trip first: the RTT estimate exists
            SsInfo ss = lab.ss(c.clientPort(), port).orElseThrow(() -> new IOException(Msg.get("LossLab.noSsRow")));
            LinuxTimers timers = LinuxTimers.of(ss, DropMiddle.rtoMinMicros(lab), TimerTicks.ofThisKernel());
            String rule = "tcp sport " + c.clientPort() + " tcp dport " + port + " " + LabSupport.DATA
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
            Map<String, Long> counters = Lab.delta(before, lab.nstat(), LabSupport.COUNTERS);
            lab.expect("close", "closed");
            cap.await(LabSupport.bothFins(), LabSupport.SETTLE);
            List<Packet> ps = cap.stopPackets();
            List<Segment> data = LabSupport.dataFrom(ps, c.clientPort());
            Segment last = data.get(data.size() - 1);
            List<Double> times = data.stream().filter(s -> s.seq() == last.seq()).map(Segment::time).toList();
            RepeatResult r = analyse(times, counters, timers);
            double t0 = times.get(0);
            List<Packet> shown = ps.stream().filter(p -> p.segment().time() >= t0).limit(times.size() + 1L).toList();
            shown.forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(shown.stream().map(Packet::segment).toList(), c.client());
            narrate(n, r);
            return r;
        }
    }

    /** Each gap's expected wait: {@code probes} tail loss probe(s) (one segment out), then RTO, 2·RTO, 4·RTO … */
    static RepeatResult analyse(List<Double> times, Map<String, Long> counters, LinuxTimers timers) {
        List<Duration> intervals = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            intervals.add(LabSupport.micros(times.get(i) - times.get(i - 1)));
        }
        int probes = (int) Math.min(intervals.size(), LabSupport.counter(counters, "TcpExtTCPLossProbes"));
        List<Duration> expected = new ArrayList<>();
        Duration rto = timers.rto();
        for (int i = 0; i < intervals.size(); i++) {
            expected.add(i < probes ? timers.probe(1) : rto.multipliedBy(1L << (i - probes)));
        }
        return new RepeatResult(List.copyOf(intervals), List.copyOf(expected), probes, timers, counters);
    }

    private static void narrate(Narrator n, RepeatResult r) {
        String table = Msg.get("label.table");
        n.kernel(r.timers().rtoLine());
        n.kernel(Msg.get("LossLab.nstat", LabSupport.grown(r.counters())));
        Set<Resenders> expected = r.probes() > 0 ? EnumSet.of(Resenders.PROBE, Resenders.TIMEOUT)
                : EnumSet.of(Resenders.TIMEOUT);
        n.result(Resenders.line(r.counters(), expected));
        n.line(table, gapRow(Msg.get("LossLab.gap.resend"), Msg.get("LossLab.gap.measured"), Msg.get("LossLab.gap.rule"),
                Msg.get("LossLab.gap.expected"), Msg.get("LossLab.gap.verdict")));
        for (int i = 0; i < r.intervals().size(); i++) {
            String rule = i < r.probes() ? Msg.get("LossLab.gap.probe") : i == r.probes() ? Msg.get("LossLab.gap.rto")
                    : Msg.get("LossLab.gap.double");
            n.line(table, gapRow("#" + (i + 1), Narrator.human(r.intervals().get(i)), rule,
                    LinuxTimers.ms(r.expected().get(i)) + " ms", Msg.get(r.onTime().get(i) ? "LossLab.gap.onTime"
                            : "LossLab.gap.notOnTime")));
        }
        n.result(Msg.get(r.allOnTime() ? "LossLab.backOff.matches" : "LossLab.backOff.notMatch",
                r.timers().ticks().describe(), TimerTicks.SCHEDULING.toMillis()));
        SeqAckModel.Options o = new SeqAckModel.Options(7, 10, 0, 0, 0, 4, 10_000).dropping(Set.of(1, 2, 3, 4));
        n.line(Msg.get("label.model"), Msg.get("LossLab.model.textbookTimeouts", SeqAckModel.run(new byte[10], o)
                .timeoutTicks()));
        n.line(Msg.get("label.model"), Msg.get("LossLab.model.linuxTimeouts", SeqAckModel.run(new byte[10],
                o.likeLinux()).timeoutTicks()));
    }

    /** One row of the back-off table, padded by display width (Hangul counts as two). */
    private static String gapRow(String resend, String gap, String rule, String expected, String verdict) {
        return TextWidth.padRight(resend, 8) + " " + TextWidth.padRight(gap, 13) + " " + TextWidth.padRight(rule, 38)
                + " " + TextWidth.padRight(expected, 12) + " " + verdict;
    }
}
