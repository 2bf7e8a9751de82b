package tcpip.segmentation.buffers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.kernel.Segment;
import tcpip.kernel.TimerTicks;

/**
 * Finds the zero-window episode in a capture of one connection: the reader's first segment that
 * advertises {@code win 0}, then the writer's probes (segments without data sent while the window
 * stays zero), and the time between them, computed from the capture's timestamps.
 *
 * @param zeroWindow the reader's first segment with window 0, or null if there was none
 * @param probes     the writer's probes that followed, in order
 */
public record ZeroWindowProbes(Segment zeroWindow, List<Segment> probes) {

    /** Analyses the segments between writer port and reader port. */
    public static ZeroWindowProbes find(List<Segment> segments, int writerPort, int readerPort) {
        Segment zero = null;
        List<Segment> probes = new ArrayList<>();
        for (Segment s : segments) {
            boolean fromReader = s.srcPort() == readerPort && s.dstPort() == writerPort;
            boolean fromWriter = s.srcPort() == writerPort && s.dstPort() == readerPort;
            if (zero == null) {
                if (fromReader && s.window() == 0) {
                    zero = s;
                }
            } else if (fromReader && s.window() > 0) {
                break; // the reader read: the window opened again
            } else if (fromWriter && s.length() == 0 && !s.fin() && !s.rst()) {
                probes.add(s);
            }
        }
        return new ZeroWindowProbes(zero, List.copyOf(probes));
    }

    /** Seconds from the zero window to the first probe, then between consecutive probes. */
    public List<Double> intervals() {
        List<Double> out = new ArrayList<>();
        double last = zeroWindow == null ? Double.NaN : zeroWindow.time();
        for (Segment p : probes) {
            out.add(p.time() - last);
            last = p.time();
        }
        return out;
    }

    /**
     * True if every interval after the first is longer than the one before (the kernel backs off:
     * the probe timer doubles, from the retransmission timeout, up to tcp_rto_max).
     */
    public boolean backsOff() {
        List<Double> iv = intervals();
        for (int i = 1; i < iv.size(); i++) {
            if (!(iv.get(i) > iv.get(i - 1))) {
                return false;
            }
        }
        return iv.size() >= 2;
    }

    /** TCP_RTO_MIN: the probe timer never starts below it (tcp_probe0_base). */
    public static final Duration PROBE_BASE_MIN = Duration.ofMillis(200);

    /**
     * The waits Linux computes for these probes: the first max(RTO, TCP_RTO_MIN) after the zero window,
     * each next one twice the one before (tcp_probe0_when: base shifted by the back-off), at most
     * {@code rtoMax} (tcp_rto_max_ms).
     */
    public List<Duration> expected(Duration rto, Duration rtoMax) {
        Duration base = rto.compareTo(PROBE_BASE_MIN) > 0 ? rto : PROBE_BASE_MIN;
        List<Duration> out = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            Duration d = base.multipliedBy(1L << Math.min(i, 30));
            out.add(d.compareTo(rtoMax) > 0 ? rtoMax : d);
        }
        return out;
    }

    /** True if every probe left when {@link #expected} says, as late as the timer wheel allows and no earlier. */
    public boolean onTime(Duration rto, Duration rtoMax, TimerTicks ticks) {
        List<Duration> want = expected(rto, rtoMax);
        List<Double> got = intervals();
        for (int i = 0; i < want.size(); i++) {
            if (!ticks.firedOnTime(want.get(i), Duration.ofNanos(Math.round(got.get(i) * 1e9)))) {
                return false;
            }
        }
        return !want.isEmpty();
    }
}
