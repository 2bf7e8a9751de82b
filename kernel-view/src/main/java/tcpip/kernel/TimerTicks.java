package tcpip.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The kernel's timer tick (CONFIG_HZ, read from the kernel's own configuration) and how late its
 * timer wheel may fire a timer. TCP's timers (RTO, tail loss probe, SYN resends, zero-window probes)
 * count whole ticks: an RTO of 200.021 ms becomes 204 ms at HZ 250 (4 ms ticks). A timer of N ticks
 * sits in a wheel level whose slots are 8^level ticks wide and fires at the end of its slot, so it may
 * be up to one slot late: 1 tick below 63 ticks, 8 ticks below 504, 64 below 4032, 512 below 32256, …
 */
public final class TimerTicks {

    /** A softirq may run a little after its tick on a busy machine: allowed beyond the wheel's own lateness. */
    public static final Duration SCHEDULING = Duration.ofMillis(20);
    /** The longest tick any kernel uses (HZ 100): assumed where CONFIG_HZ cannot be read. */
    public static final Duration LONGEST_TICK = Duration.ofMillis(10);
    private static final Pattern HZ = Pattern.compile("(?m)^CONFIG_HZ=(\\d+)$");
    private static final int LEVEL_BITS = 6;
    private static final int LEVEL_SHIFT = 3;

    private final Optional<Integer> hz;

    private TimerTicks(Optional<Integer> hz) {
        this.hz = hz;
    }

    /** This kernel's tick, from /proc/config.gz or /boot/config-RELEASE (empty where neither is readable). */
    public static TimerTicks ofThisKernel() {
        return new TimerTicks(readHz());
    }

    /** A kernel with this CONFIG_HZ (for tests and for explaining other kernels). */
    public static TimerTicks of(int hz) {
        return new TimerTicks(Optional.of(hz));
    }

    /** CONFIG_HZ, if the kernel's configuration could be read. */
    public Optional<Integer> hz() {
        return hz;
    }

    /** One tick (1/HZ), or {@link #LONGEST_TICK} where HZ is unknown. */
    public Duration tick() {
        return hz.map(h -> Duration.ofNanos(1_000_000_000L / h)).orElse(LONGEST_TICK);
    }

    /** {@code d} rounded up to whole ticks, as the kernel's usecs_to_jiffies() does (unchanged where HZ is unknown). */
    public Duration roundUp(Duration d) {
        if (hz.isEmpty()) {
            return d;
        }
        long tickNanos = tick().toNanos();
        long ticks = (d.toNanos() + tickNanos - 1) / tickNanos;
        return Duration.ofNanos(ticks * tickNanos);
    }

    /** How late the timer wheel may fire a timer of this length: one slot of its level, plus one tick. */
    public Duration wheelLateness(Duration timer) {
        long ticks = Math.max(1, timer.toNanos() / tick().toNanos());
        long slot = 1;
        for (int level = 1; level < 9 && ticks >= ((1L << LEVEL_BITS) - 1) << ((level - 1) * LEVEL_SHIFT); level++) {
            slot = 1L << (level * LEVEL_SHIFT);
        }
        return tick().multipliedBy(slot + 1);
    }

    /** True if a timer of length {@code expected} that fired after {@code measured} fired when the wheel allows. */
    public boolean firedOnTime(Duration expected, Duration measured) {
        return !firedEarly(expected, measured)
                && measured.compareTo(expected.plus(wheelLateness(expected)).plus(SCHEDULING)) <= 0;
    }

    /**
     * True if it fired more than a tick before {@code expected}: a kernel timer never does (a load can only make one
     * late), so an early one means the expected wait is wrong.
     */
    public boolean firedEarly(Duration expected, Duration measured) {
        return measured.compareTo(expected.minus(tick())) < 0;
    }

    /** e.g. {@code HZ 250: 4 ms ticks}, or why the tick is not known. */
    public String describe() {
        return hz.map(h -> KernelText.get("ticks.hz", h, String.format("%.3g", 1000.0 / h)))
                .orElse(KernelText.get("ticks.unknown", LONGEST_TICK.toMillis()));
    }

    private static Optional<Integer> readHz() {
        String release = System.getProperty("os.version", "");
        for (Path config : List.of(Path.of("/proc/config.gz"), Path.of("/boot/config-" + release))) {
            try (InputStream raw = Files.newInputStream(config);
                    InputStream in = config.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
                Matcher m = HZ.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                if (m.find()) {
                    return Optional.of(Integer.parseInt(m.group(1)));
                }
            } catch (IOException | SecurityException | NumberFormatException e) {
                // not this file: try the next
            }
        }
        return Optional.empty();
    }
}
