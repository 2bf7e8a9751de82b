package tcpip.segmentation.homework;

import java.time.Duration;
import java.util.Optional;

/**
 * Exercise: the retransmission timeout of RFC 6298 (데이터 송수신: a segment whose ACK does not come
 * back in time is sent again). Everything the kernel would take from its configuration is a
 * parameter: RFC 6298 starts at 1 s and floors the RTO at 1 s; Linux floors it at 200 ms
 * (tcp_rto_min) and caps it at 120 s (tcp_rto_max).
 *
 * <p>Read RFC 6298 sections 2 and 5: alpha = 1/8, beta = 1/4, K = 4; the first sample R sets
 * SRTT = R, RTTVAR = R/2; later samples update RTTVAR (with the old SRTT) and then SRTT;
 * RTO = SRTT + max(G, K*RTTVAR), then the floor and the ceiling. Karn's rule: no sample from a
 * segment that was retransmitted. Each timeout doubles the RTO (up to the ceiling).
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation RetransmissionTimer}
 */
public final class RetransmissionTimer {

    /**
     * @param initialRto  the RTO before the first measurement (RFC 6298: 1 s)
     * @param minRto      the floor (RFC 6298: 1 s; Linux: 200 ms)
     * @param maxRto      the ceiling for backoff (RFC 6298: at least 60 s; Linux: 120 s)
     * @param granularity the clock granularity G
     */
    public RetransmissionTimer(Duration initialRto, Duration minRto, Duration maxRto, Duration granularity) {
        // TODO: keep the parameters; the RTO starts at initialRto
    }

    /** The current retransmission timeout. */
    public Duration rto() {
        throw new UnsupportedOperationException("TODO: return the current RTO (initialRto until the first sample)");
    }

    /** The smoothed RTT, empty before the first valid sample. */
    public Optional<Duration> srtt() {
        throw new UnsupportedOperationException("TODO: return SRTT, empty before the first sample");
    }

    /** The RTT variation, empty before the first valid sample. */
    public Optional<Duration> rttvar() {
        throw new UnsupportedOperationException("TODO: return RTTVAR, empty before the first sample");
    }

    /**
     * An ACK came back {@code rtt} after the segment it acknowledges was sent. Karn's rule: if that
     * segment was retransmitted, the ACK may belong to either copy, so the sample is not used.
     */
    public void onAck(Duration rtt, boolean segmentWasRetransmitted) {
        throw new UnsupportedOperationException("TODO: update RTTVAR, SRTT and the RTO as RFC 6298 (2.2)-(2.5) says");
    }

    /** The timer expired: the segment is resent and the RTO doubles, up to the ceiling (5.5). */
    public void onTimeout() {
        throw new UnsupportedOperationException("TODO: double the RTO, at most the ceiling");
    }
}
