package tcpip.segmentation.loss;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * drop-last and drop-last-two: the end of a 10-segment write is lost, so no later segment can make a
 * duplicate ACK. The counters say who resent; the probe's wait is computed from ss (2·SRTT plus
 * tcp_rto_min with one segment out, else plus 2 ms, at most the RTO, in ticks) and set against the capture.
 */
final class DropTail {

    static final int BURST = 10;

    private DropTail() {
    }

    static DropRun.Outcome last(Lab lab, Narrator n) throws Exception {
        return run(lab, n, List.of(BURST), Msg.get("LossLab.what.last", BURST), EnumSet.of(Resenders.PROBE),
                ModelComparison.Scenario.LAST);
    }

    static DropRun.Outcome lastTwo(Lab lab, Narrator n) throws Exception {
        return run(lab, n, List.of(BURST - 1, BURST), Msg.get("LossLab.what.lastTwo", BURST),
                EnumSet.of(Resenders.PROBE, Resenders.SACK), ModelComparison.Scenario.LAST_TWO);
    }

    private static DropRun.Outcome run(Lab lab, Narrator n, List<Integer> dropped, String what, Set<Resenders> expected,
            ModelComparison.Scenario scenario) throws Exception {
        DropRun.Outcome o = DropRun.run(lab, n, BURST, dropped, what);
        if (o.result().seq() < 0) {
            return o;
        }
        n.result(Resenders.line(o.result().counters(), expected));
        o.ss().ifPresent(ss -> {
            LinuxTimers timers = LinuxTimers.of(ss, DropMiddle.rtoMinMicros(lab), TimerTicks.ofThisKernel());
            n.kernel(timers.rtoLine());
            Probe p = probe(o);
            if (p.gap() == null) {
                n.result(Msg.get("LossLab.probe.none"));
                return;
            }
            Duration expectedWait = timers.probe(p.outstanding());
            n.result(Msg.get(timers.ticks().firedOnTime(expectedWait, p.gap()) ? "LossLab.probe.matches"
                    : "LossLab.probe.notMatch", Narrator.human(p.gap()), p.outstanding(),
                    LinuxTimers.ms(p.outstanding() == 1 ? timers.rtoMin() : LinuxTimers.PROBE_FLOOR),
                    LinuxTimers.ms(expectedWait), LinuxTimers.ms(timers.rto())));
            n.result(Msg.get(o.result().recovery().compareTo(timers.rto()) < 0 ? "LossLab.tail.faster"
                    : "LossLab.tail.notFaster", Narrator.human(o.result().recovery()), LinuxTimers.ms(timers.rto())));
        });
        ModelComparison.print(n, scenario, o);
        return o;
    }

    /** The first resend, how long after the last ACK of new data it left, and how many segments that ACK left out. */
    record Probe(Duration gap, int outstanding) {
    }

    static Probe probe(DropRun.Outcome o) {
        List<Packet> ps = o.packets();
        List<Segment> data = LabSupport.dataFrom(ps, o.conn().clientPort());
        Segment resend = null;
        for (int i = 0; i < data.size() && resend == null; i++) {
            for (int j = 0; j < i; j++) {
                if (data.get(j).seq() == data.get(i).seq()) {
                    resend = data.get(i);
                    break;
                }
            }
        }
        if (resend == null) {
            return new Probe(null, 0);
        }
        double at = resend.time();
        Segment lastAck = ps.stream().map(Packet::segment).filter(s -> s.srcPort() == o.conn().serverPort()
                && s.time() < at).reduce((a, b) -> b).orElse(null);
        if (lastAck == null) {
            return new Probe(null, 0);
        }
        int outstanding = (int) data.stream().filter(s -> s.time() < at && s.seqEnd() > lastAck.ack())
                .map(Segment::seq).distinct().count();
        return new Probe(LabSupport.micros(at - lastAck.time()), outstanding);
    }
}
