package tcpip.segmentation.loss;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * drop-middle: data segment #5 of a 20-segment write is lost. Who resent it is read from the counters,
 * when the sender called it lost is predicted from the capture and ss by Linux's rules and, as root, set
 * against the kernel's trace of its congestion states.
 */
final class DropMiddle {

    static final int SEGMENTS = 20;
    static final int DROPPED = 5;

    private DropMiddle() {
    }

    static DropRun.Outcome run(Lab lab, Narrator n) throws Exception {
        DropRun.Outcome o = DropRun.run(lab, n, SEGMENTS, List.of(DROPPED), Msg.get("LossLab.what.middle", DROPPED,
                SEGMENTS));
        if (o.result().seq() < 0) {
            return o;
        }
        n.result(Resenders.line(o.result().counters(), EnumSet.of(Resenders.SACK)));
        RecoveryDecision d = decide(lab, o);
        explain(n, d, o.ss());
        o.ss().ifPresent(ss -> {
            LinuxTimers timers = LinuxTimers.of(ss, rtoMinMicros(lab), TimerTicks.ofThisKernel());
            n.kernel(timers.rtoLine());
            n.result(Msg.get(o.result().recovery().compareTo(timers.rto()) < 0 ? "LossLab.middle.beforeRto"
                    : "LossLab.middle.notBeforeRto", Narrator.human(o.result().recovery()), LinuxTimers.ms(timers.rto())));
        });
        ModelComparison.print(n, ModelComparison.Scenario.MIDDLE, o);
        return o;
    }

    /** The prediction by Linux's rules from this run's capture and ss, and the trace where there is one. */
    static RecoveryDecision decide(Lab lab, DropRun.Outcome o) {
        int sysctlReordering = Integer.parseInt(lab.sysctlOr("net.ipv4.tcp_reordering", "3"));
        int reordering = o.ss().map(ss -> (int) ss.number("reordering")).filter(r -> r > 0).orElse(sysctlReordering);
        double minRtt = o.ss().map(ss -> micros(ss.fields().get("minrtt"))).orElse(0.0);
        double srtt = o.ss().map(ss -> micros(ss.fields().getOrDefault("rtt", "0/0").split("/")[0])).orElse(0.0);
        return RecoveryDecision.of(o.packets(), o.conn(), o.result().seq(), o.mss(), reordering, minRtt, srtt, o.trace());
    }

    static void explain(Narrator n, RecoveryDecision d, Optional<SsInfo> ss) {
        n.result(Msg.get("LossLab.decide.capture", d.dupsOnWire(), d.sacked()));
        int k = d.countRule();
        String window = String.format("%.1f", d.reoWndMicros());
        String minRtt = ss.map(s -> s.fields().get("minrtt")).orElse("?");
        n.result(k > 0 ? Msg.get("LossLab.decide.count", k, d.sacked().get(k - 1), d.reordering(), window, minRtt)
                : Msg.get("LossLab.decide.noCount", d.reordering(), window, minRtt));
        if (d.traced().isEmpty()) {
            n.note(Msg.get("LossLab.decide.noTrace", CongestionTrace.unavailable().orElse("-")));
            if (k > 0 && d.dupsOnWire() > k) {
                n.note(Msg.get("LossLab.decide.lateUnknown", d.dupsOnWire(), k));
            }
            return;
        }
        RecoveryDecision.Traced t = d.traced().get();
        n.kernel(Msg.get("LossLab.decide.trace", t.states(), String.format("%.1f", t.resendAfter())));
        n.result(switch (d.verdict()) {
            case COUNT_RULE -> Msg.get("LossLab.decide.traced.count", t.recoveryAt(), d.reordering());
            case TIME_RULE -> Msg.get("LossLab.decide.traced.time", t.recoveryAt(), k, window);
            default -> Msg.get("LossLab.decide.traced.notMatch", t.recoveryAt(), k);
        });
        if (t.recoveryAt() > 0 && d.dupsOnWire() > t.recoveryAt()) {
            n.note(Msg.get(t.backlog() ? "LossLab.decide.backlog" : "LossLab.decide.late", t.recoveryAt(),
                    d.dupsOnWire(), t.readers()));
        }
    }

    static long rtoMinMicros(Lab lab) {
        return Long.parseLong(lab.sysctlOr("net.ipv4.tcp_rto_min_us", "200000"));
    }

    private static double micros(String ms) {
        try {
            return ms == null ? 0 : Double.parseDouble(ms) * 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
