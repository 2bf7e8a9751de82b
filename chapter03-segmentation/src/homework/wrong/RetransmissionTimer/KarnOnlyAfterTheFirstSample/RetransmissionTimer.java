package tcpip.segmentation.homework;

import java.time.Duration;
import java.util.Optional;

/**
 * WRONG (test fixture: applies Karn's rule only once an estimate exists: the ACK of a retransmitted first segment still becomes the first sample).
 * Exercise (reference solution): the retransmission timeout of RFC 6298 (데이터 송수신: a segment
 * whose ACK does not come back in time is sent again). Everything the kernel would take from its
 * configuration is a parameter: RFC 6298 starts at 1 s and floors the RTO at 1 s; Linux floors it
 * at 200 ms (tcp_rto_min) and caps it at 120 s (tcp_rto_max).
 */
public final class RetransmissionTimer {

    private static final double ALPHA = 1.0 / 8;
    private static final double BETA = 1.0 / 4;
    private static final int K = 4;

    private final long minNanos;
    private final long maxNanos;
    private final long granularityNanos;
    private long rtoNanos;
    private double srtt = -1;
    private double rttvar = -1;

    /**
     * @param initialRto  the RTO before the first measurement (RFC 6298: 1 s)
     * @param minRto      the floor (RFC 6298: 1 s; Linux: 200 ms)
     * @param maxRto      the ceiling for backoff (RFC 6298: at least 60 s; Linux: 120 s)
     * @param granularity the clock granularity G
     */
    public RetransmissionTimer(Duration initialRto, Duration minRto, Duration maxRto, Duration granularity) {
        this.minNanos = minRto.toNanos();
        this.maxNanos = maxRto.toNanos();
        this.granularityNanos = granularity.toNanos();
        this.rtoNanos = initialRto.toNanos();
    }

    /** The current retransmission timeout. */
    public Duration rto() {
        return Duration.ofNanos(rtoNanos);
    }

    /** The smoothed RTT, empty before the first valid sample. */
    public Optional<Duration> srtt() {
        return srtt < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(srtt)));
    }

    /** The RTT variation, empty before the first valid sample. */
    public Optional<Duration> rttvar() {
        return rttvar < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(Math.round(rttvar)));
    }

    /**
     * An ACK came back {@code rtt} after the segment it acknowledges was sent. Karn's rule: if that
     * segment was retransmitted, the ACK may belong to either copy, so the sample is not used.
     */
    public void onAck(Duration rtt, boolean segmentWasRetransmitted) {
        double r = rtt.toNanos();
        if (srtt < 0) { // RFC 6298 (2.2): the first measurement
            srtt = r;
            rttvar = r / 2;
        } else { // (2.3): RTTVAR first, with the OLD srtt; then SRTT
            if (segmentWasRetransmitted) {
                return; // Karn: ambiguous sample; keep the backed-off RTO
            }
            rttvar = (1 - BETA) * rttvar + BETA * Math.abs(srtt - r);
            srtt = (1 - ALPHA) * srtt + ALPHA * r;
        }
        long rto = Math.round(srtt + Math.max(granularityNanos, K * rttvar));
        rtoNanos = Math.min(maxNanos, Math.max(minNanos, rto)); // (2.4) floor, (2.5) ceiling
    }

    /** The timer expired: the segment is resent and the RTO doubles, up to the ceiling (5.5). */
    public void onTimeout() {
        rtoNanos = Math.min(maxNanos, rtoNanos * 2);
    }
}
