package tcpip.lifecycle.backlog;

import static tcpip.lifecycle.LifecycleMessages.msg;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import tcpip.kernel.Sysctl;

/**
 * When this kernel resends the SYN of a connect() that hears nothing, computed from its settings
 * (Three way handshake). The first timeout is the kernel's TCP_TIMEOUT_INIT (1 s, a compile-time
 * constant). After retransmission k the timeout stays at 1 s while k &le; tcp_syn_linear_timeouts
 * and doubles after that (capped at the maximum RTO); the kernel gives up after
 * tcp_syn_retries + tcp_syn_linear_timeouts retransmissions, when one more timeout has run out:
 * connect() then fails with "Connection timed out" (ETIMEDOUT), not "refused".
 *
 * @param synRetries     net.ipv4.tcp_syn_retries
 * @param linearTimeouts net.ipv4.tcp_syn_linear_timeouts (0 on kernels before 6.5, which lack it)
 * @param initialRto     the first retransmission timeout
 * @param maxRto         the largest retransmission timeout (net.ipv4.tcp_rto_max_ms, else 120 s)
 */
public record SynRetrySchedule(int synRetries, int linearTimeouts, Duration initialRto, Duration maxRto) {

    /** TCP_TIMEOUT_INIT in the kernel source. */
    public static final Duration INITIAL_RTO = Duration.ofSeconds(1);
    /** TCP_RTO_MAX, used where net.ipv4.tcp_rto_max_ms does not exist. */
    public static final Duration DEFAULT_MAX_RTO = Duration.ofSeconds(120);
    private static final int DEFAULT_SYN_RETRIES = 6;

    /** The schedule of the kernel this program runs on. */
    public static SynRetrySchedule ofThisKernel() {
        int retries = Sysctl.number("net.ipv4.tcp_syn_retries").orElse((long) DEFAULT_SYN_RETRIES).intValue();
        int linear = Sysctl.number("net.ipv4.tcp_syn_linear_timeouts").orElse(0L).intValue();
        Duration max = Sysctl.number("net.ipv4.tcp_rto_max_ms").map(Duration::ofMillis).orElse(DEFAULT_MAX_RTO);
        return new SynRetrySchedule(retries, linear, INITIAL_RTO, max);
    }

    /** How many times the SYN is resent before the kernel gives up. */
    public int retransmissions() {
        return synRetries + linearTimeouts;
    }

    /** When each SYN leaves, counted from the first (which leaves at 0). */
    public List<Duration> sendTimes() {
        List<Duration> times = new ArrayList<>();
        Duration at = Duration.ZERO;
        Duration rto = initialRto;
        times.add(at);
        for (int k = 1; k <= retransmissions(); k++) {
            at = at.plus(rto);
            times.add(at);
            if (k > linearTimeouts) {
                rto = rto.multipliedBy(2).compareTo(maxRto) > 0 ? maxRto : rto.multipliedBy(2);
            }
        }
        return times;
    }

    /** When connect() fails with ETIMEDOUT if no timeout of its own ends it earlier. */
    public Duration givesUpAfter() {
        List<Duration> times = sendTimes();
        Duration last = times.get(times.size() - 1);
        Duration rto = initialRto;
        for (int k = 1; k <= retransmissions(); k++) {
            if (k > linearTimeouts) {
                rto = rto.multipliedBy(2).compareTo(maxRto) > 0 ? maxRto : rto.multipliedBy(2);
            }
        }
        return last.plus(rto);
    }

    /** The SYNs a connect() with this timeout sends before its own timeout ends it. */
    public long synsWithin(Duration timeout) {
        return sendTimes().stream().filter(t -> t.compareTo(timeout) < 0).count();
    }

    /** e.g. {@code SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s; gives up at 131 s}. */
    public String describe() {
        return msg("SynRetrySchedule.describe", sendTimes().stream().map(d -> seconds(d)).collect(Collectors.joining(", ")),
                seconds(givesUpAfter()), synRetries, linearTimeouts, retransmissions(), linearTimeouts + 1,
                seconds(initialRto));
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.format("%.1f", d.toMillis() / 1000.0);
    }
}
