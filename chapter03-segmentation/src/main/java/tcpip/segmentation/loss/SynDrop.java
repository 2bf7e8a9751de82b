package tcpip.segmentation.loss;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;
import tcpip.kernel.SynRetrySchedule;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/**
 * syn-drop: first the first SYN alone is lost (connect() waits one initial RTO), then every SYN, with the
 * namespace's own tcp_syn_retries and tcp_syn_linear_timeouts lowered so that giving up takes seconds:
 * the SYNs the capture holds and the moment connect() fails are set against kernel-view's
 * SynRetrySchedule, computed from those sysctls (the machine's stay as they are).
 */
final class SynDrop {

    /** The namespace's settings for the every-SYN-lost part: one linear resend, then one doubled. */
    static final int LOW_RETRIES = 1;
    static final int LOW_LINEAR = 1;
    private static final String RETRIES = "net.ipv4.tcp_syn_retries";
    private static final String LINEAR = "net.ipv4.tcp_syn_linear_timeouts";

    private SynDrop() {
    }

    /**
     * The first SYN lost: how long connect() took, when the SYNs left, whether the resend came when the timer said, and
     * whether it came no earlier (a loaded machine can make a kernel timer late, never early).
     */
    record SynResult(long connectMicros, List<Double> synTimes, boolean onTime, boolean noneEarly, AllLost allLost) {
    }

    /** Every SYN lost: when each left, when connect() failed, the schedule and whether they agree. */
    record AllLost(List<Duration> synTimes, Duration gaveUp, String error, SynRetrySchedule schedule, boolean matches) {

        /** True if every SYN was captured and none left (nor connect() failed) before the schedule's time. */
        boolean noneEarly() {
            return schedule.noneEarly(synTimes, gaveUp, TimerTicks.ofThisKernel());
        }
    }

    static SynResult run(Lab lab, Narrator n) throws Exception {
        SynRetrySchedule here = SynRetrySchedule.of(lab::sysctlNumber);
        SynResult first = firstLost(lab, n, here);
        n.kernel(Msg.get("LossLab.syn.sysctls", here.linearTimeouts(), here.synRetries()));
        n.kernel(here.describe());
        AllLost all = allLost(lab, n, LOW_RETRIES, LOW_LINEAR);
        n.simplifies(Msg.get("LossLab.syn.article"));
        n.line(Msg.get("label.model"), Msg.get("LossLab.syn.model"));
        return new SynResult(first.connectMicros(), first.synTimes(), first.onTime(), first.noneEarly(), all);
    }

    static SynResult firstLost(Lab lab, Narrator n, SynRetrySchedule schedule) throws Exception {
        int port = lab.listen();
        try (PacketCapture cap = lab.capture(port)) {
            String rule = "tcp dport " + port + " tcp flags & (syn|ack) == syn numgen inc mod 1000000 == 0 counter drop";
            n.program(Msg.get("LossLab.syn.rule", rule));
            Lab.Conn c;
            try {
                lab.ns().dropRule(rule);
                n.program(Msg.get("LossLab.syn.connect"));
                c = lab.connect(port);
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            lab.expect("close", "closed");
            cap.await(LabSupport.bothFins(), LabSupport.SETTLE);
            List<Packet> ps = cap.stopPackets();
            List<Double> syns = synTimes(ps, c.clientPort());
            double t0 = syns.isEmpty() ? 0 : syns.get(0);
            ps.stream().limit(4).forEach(p -> n.line(Narrator.label("packet"), p.describe(t0)));
            n.ladder(ps.stream().limit(4).map(Packet::segment).toList(), c.client());
            n.result(Msg.get("LossLab.syn.returned", Narrator.human(Duration.ofNanos(c.connectMicros() * 1000))));
            TimerTicks ticks = TimerTicks.ofThisKernel();
            Duration gap = syns.size() >= 2 ? LabSupport.micros(syns.get(1) - syns.get(0)) : Duration.ZERO;
            boolean onTime = syns.size() >= 2 && ticks.firedOnTime(schedule.wait(0), gap);
            boolean noneEarly = syns.size() >= 2 && !ticks.firedEarly(schedule.wait(0), gap);
            if (syns.size() >= 2) {
                n.result(Msg.get(onTime ? "LossLab.syn.second.matches" : "LossLab.syn.second.notMatch",
                        Narrator.human(gap),
                        SynRetrySchedule.seconds(schedule.wait(0))));
            } else {
                n.result(Msg.get("LossLab.syn.notMatch", syns.size()));
            }
            return new SynResult(c.connectMicros(), syns, onTime, noneEarly, null);
        }
    }

    /** Every SYN dropped, with this namespace's SYN sysctls set low for the run and put back after it. */
    static AllLost allLost(Lab lab, Narrator n, int retries, int linear) throws Exception {
        int port = lab.listen();
        String oldRetries = lab.ns().setSysctl(RETRIES, String.valueOf(retries));
        String oldLinear = lab.ns().setSysctl(LINEAR, String.valueOf(linear));
        try (PacketCapture cap = lab.capture(port)) {
            SynRetrySchedule schedule = SynRetrySchedule.of(lab::sysctlNumber);
            n.kernel(Msg.get("LossLab.syn.lowered", oldRetries, retries, oldLinear, linear));
            String rule = "tcp dport " + port + " tcp flags & (syn|ack) == syn counter drop";
            n.program(Msg.get("LossLab.syn.allRule", rule));
            String[] failed;
            try {
                lab.ns().dropRule(rule);
                long limit = schedule.givesUpAfter().plusSeconds(5).toMillis();
                n.program(Msg.get("LossLab.syn.connectAll", limit / 1000));
                failed = lab.expect("connect " + limit, "failed");
                n.kernel(Msg.get("LossLab.nftCounter", lab.ns().listRule()));
            } finally {
                lab.ns().clearRules();
            }
            List<Packet> ps = cap.stopPackets();
            List<Double> syns = ps.stream().map(Packet::segment).filter(s -> s.flags().equals("S")).map(Segment::time)
                    .toList();
            double t0 = syns.isEmpty() ? 0 : syns.get(0);
            List<Duration> times = syns.stream().map(t -> LabSupport.micros(t - t0)).toList();
            Duration gaveUp = Duration.ofNanos(Long.parseLong(failed[1]) * 1000);
            String error = String.join(" ", List.of(failed).subList(2, failed.length));
            boolean matches = schedule.matches(times, gaveUp, TimerTicks.ofThisKernel());
            AllLost r = new AllLost(times, gaveUp, error, schedule, matches);
            n.result(Msg.get("LossLab.syn.captured", times.stream().map(SynDrop::seconds).collect(Collectors.joining(", ")),
                    seconds(gaveUp), error));
            n.result(Msg.get(matches ? "LossLab.syn.schedule.matches" : "LossLab.syn.schedule.notMatch",
                    schedule.describe(), TimerTicks.ofThisKernel().describe()));
            return r;
        } finally {
            lab.ns().setSysctl(RETRIES, oldRetries);
            lab.ns().setSysctl(LINEAR, oldLinear);
        }
    }

    private static List<Double> synTimes(List<Packet> ps, int clientPort) {
        return ps.stream().map(Packet::segment).filter(s -> s.flags().equals("S") && s.srcPort() == clientPort)
                .map(Segment::time).toList();
    }

    private static String seconds(Duration d) {
        return String.format("%.3f", d.toNanos() / 1e9);
    }
}
