package tcpip.segmentation.loss;

import java.time.Duration;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TimerTicks;
import tcpip.segmentation.Msg;

/**
 * The retransmission timers as Linux computes them, from one connection's {@code ss -ti} numbers, in
 * whole timer ticks: RTO = SRTT + max(4·RTTVAR, tcp_rto_min) (tcp_set_rto: the kernel's rttvar_us is
 * 4·RTTVAR, never below tcp_rto_min), rounded up to ticks; a tail loss probe waits 2·SRTT plus tcp_rto_min
 * when one segment is out (a delayed ACK may be coming), else plus 2 ms, and never longer than the RTO.
 *
 * @param srtt     ss rtt (the smoothed RTT)
 * @param rttvar   ss rtt's second number (RTTVAR)
 * @param rtoMin   net.ipv4.tcp_rto_min_us of the namespace
 * @param ssRto    ss rto: the RTO the kernel holds now
 * @param ticks    the kernel's tick
 */
record LinuxTimers(Duration srtt, Duration rttvar, Duration rtoMin, Duration ssRto, TimerTicks ticks) {

    /** TCP_TIMEOUT_MIN_US: the probe's small floor with several segments out. */
    static final Duration PROBE_FLOOR = Duration.ofMillis(2);

    /** From ss's {@code rtt:SRTT/RTTVAR} and {@code rto:} (ms, µs precision) and the namespace's tcp_rto_min_us. */
    static LinuxTimers of(SsInfo ss, long rtoMinMicros, TimerTicks ticks) {
        String[] rtt = ss.fields().getOrDefault("rtt", "0/0").split("/");
        return new LinuxTimers(millis(rtt[0]), millis(rtt.length > 1 ? rtt[1] : "0"), Duration.ofNanos(rtoMinMicros * 1000),
                millis(ss.fields().getOrDefault("rto", "0")), ticks);
    }

    private static Duration millis(String ms) {
        return Duration.ofNanos(Math.round(Double.parseDouble(ms) * 1e6));
    }

    /** SRTT + max(4·RTTVAR, tcp_rto_min), before rounding. */
    Duration exactRto() {
        Duration var = rttvar.multipliedBy(4);
        return srtt.plus(var.compareTo(rtoMin) > 0 ? var : rtoMin);
    }

    /** The RTO in whole ticks, as ss should show it. */
    Duration rto() {
        return ticks.roundUp(exactRto());
    }

    /** True if ss's rto is the computed one (to the microsecond ss prints). */
    boolean rtoMatches() {
        return Math.abs(ssRto.toNanos() - rto().toNanos()) < 1_000;
    }

    /** The tail loss probe's timer with {@code outstanding} segments unacknowledged. */
    Duration probe(int outstanding) {
        Duration p = ticks.roundUp(srtt.multipliedBy(2).plus(outstanding == 1 ? rtoMin : PROBE_FLOOR));
        return p.compareTo(rto()) < 0 ? p : rto();
    }

    /** "RTO = SRTT 0.021 + max(4 × RTTVAR 0.011, tcp_rto_min 200) = 200.065 ms → … = 204 ms; ss rto 204 ms: matches". */
    String rtoLine() {
        return Msg.get(rtoMatches() ? "LossLab.rto.matches" : "LossLab.rto.notMatch", ms(srtt), ms(rttvar), ms(rtoMin),
                ms(exactRto()), ticks.describe(), ms(rto()), ms(ssRto));
    }

    /** Milliseconds with three decimals, as ss prints them. */
    static String ms(Duration d) {
        return String.format("%.3f", d.toNanos() / 1e6);
    }
}
