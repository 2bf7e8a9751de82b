package tcpip.kernel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * When a kernel resends the SYN of a connect() that hears nothing, computed from its settings
 * (Three way handshake); the one home of this schedule. The first timeout is TCP_TIMEOUT_INIT (1 s,
 * a compile-time constant). After resend k the timeout stays at 1 s while k &le;
 * tcp_syn_linear_timeouts and doubles after that (capped at the largest RTO); the kernel gives up
 * after tcp_syn_retries + tcp_syn_linear_timeouts resends, when one more timeout has run out:
 * connect() then fails with "Connection timed out" (ETIMEDOUT), no RST.
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
    private static final long DEFAULT_SYN_RETRIES = 6;

    /** The schedule of the kernel (and network namespace) this program runs in. */
    public static SynRetrySchedule ofThisKernel() {
        return of(Sysctl::number);
    }

    /** The schedule that follows from these sysctls ({@code net.ipv4.tcp_syn_retries} …), e.g. another namespace's. */
    public static SynRetrySchedule of(Function<String, Optional<Long>> sysctl) {
        long retries = sysctl.apply("net.ipv4.tcp_syn_retries").orElse(DEFAULT_SYN_RETRIES);
        long linear = sysctl.apply("net.ipv4.tcp_syn_linear_timeouts").orElse(0L);
        Duration max = sysctl.apply("net.ipv4.tcp_rto_max_ms").map(Duration::ofMillis).orElse(DEFAULT_MAX_RTO);
        return new SynRetrySchedule((int) retries, (int) linear, INITIAL_RTO, max);
    }

    /** How many times the SYN is resent before the kernel gives up. */
    public int retransmissions() {
        return synRetries + linearTimeouts;
    }

    /** The timeout armed after SYN number {@code k} (0 = the first SYN) left. */
    public Duration wait(int k) {
        Duration rto = initialRto;
        for (int i = 1; i <= k; i++) {
            if (i > linearTimeouts) {
                rto = rto.multipliedBy(2).compareTo(maxRto) > 0 ? maxRto : rto.multipliedBy(2);
            }
        }
        return rto;
    }

    /** When each SYN leaves, counted from the first (which leaves at 0). */
    public List<Duration> sendTimes() {
        List<Duration> times = new ArrayList<>(List.of(Duration.ZERO));
        for (int k = 1; k <= retransmissions(); k++) {
            times.add(times.get(k - 1).plus(wait(k - 1)));
        }
        return times;
    }

    /** When connect() fails with ETIMEDOUT if no timeout of its own ends it earlier. */
    public Duration givesUpAfter() {
        return sendTimes().get(retransmissions()).plus(wait(retransmissions()));
    }

    /** The SYNs a connect() with this timeout sends before its own timeout ends it. */
    public long synsWithin(Duration timeout) {
        return sendTimes().stream().filter(t -> t.compareTo(timeout) < 0).count();
    }

    /**
     * True if a capture agrees: as many SYNs as the schedule sends, each wait (SYN to SYN, then the
     * last SYN to ETIMEDOUT) as long as the schedule's, late by no more than the timer wheel allows.
     *
     * @param synTimes  when each captured SYN left, from the first
     * @param gaveUp    when connect() failed with ETIMEDOUT, from the first SYN
     */
    public boolean matches(List<Duration> synTimes, Duration gaveUp, TimerTicks ticks) {
        if (synTimes.size() != retransmissions() + 1) {
            return false;
        }
        for (int k = 1; k < synTimes.size(); k++) {
            if (!ticks.firedOnTime(wait(k - 1), synTimes.get(k).minus(synTimes.get(k - 1)))) {
                return false;
            }
        }
        // The SYNs' times come from the capture (the kernel's clock); the give-up is seen by the program when
        // connect() returns, which a busy machine may schedule later than the kernel's timer fired.
        Duration lastWait = gaveUp.minus(synTimes.get(synTimes.size() - 1));
        Duration expected = wait(retransmissions());
        return ticks.firedOnTime(expected, lastWait)
                || (lastWait.compareTo(expected) >= 0 && lastWait.compareTo(expected.plus(PROGRAM_WAKE_UP)) <= 0);
    }

    /**
     * True if a capture has as many SYNs as the schedule and no wait (SYN to SYN, then the last SYN to ETIMEDOUT) was
     * shorter than the schedule's: a kernel timer can fire late on a loaded machine, never early, so a capture that
     * does not {@link #matches match} only by lateness says nothing against the schedule, and an early one does.
     */
    public boolean noneEarly(List<Duration> synTimes, Duration gaveUp, TimerTicks ticks) {
        if (synTimes.size() != retransmissions() + 1) {
            return false;
        }
        for (int k = 1; k < synTimes.size(); k++) {
            if (ticks.firedEarly(wait(k - 1), synTimes.get(k).minus(synTimes.get(k - 1)))) {
                return false;
            }
        }
        return !ticks.firedEarly(wait(retransmissions()), gaveUp.minus(synTimes.get(synTimes.size() - 1)));
    }

    /** How much later than the kernel's timer a busy machine may let the program see connect() fail. */
    static final Duration PROGRAM_WAKE_UP = Duration.ofMillis(400);

    /** e.g. {@code SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s; gives up at 131 s [...]}. */
    public String describe() {
        return KernelText.get("synSchedule.describe", sendTimes().stream().map(SynRetrySchedule::seconds)
                .collect(Collectors.joining(", ")), seconds(givesUpAfter()), synRetries, linearTimeouts,
                retransmissions(), linearTimeouts + 1, seconds(initialRto));
    }

    /** Whole seconds where exact, else one decimal: {@code 7}, {@code 1.5}. */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? String.valueOf(d.toSeconds()) : String.format("%.2f", d.toMillis() / 1000.0);
    }
}
