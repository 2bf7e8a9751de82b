package tcpip.close.halfclose;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicLong;

/** The most heap this JVM has used while it ran, sampled every few milliseconds: shows streaming needs the same memory for 10 MiB as for 1 GiB. */
public final class HeapReport {

    private static final long SAMPLE_MS = 5;
    private static final AtomicLong PEAK = new AtomicLong();
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapReport() {
    }

    /** Starts sampling heap use in a daemon thread (call once, at program start). */
    public static void start() {
        Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
            while (true) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MS); // sampling period, not synchronisation
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static long sample() {
        long used = MEMORY.getHeapMemoryUsage().getUsed();
        PEAK.accumulateAndGet(used, Math::max);
        return used;
    }

    /** The largest heap use seen, in KiB. */
    public static long peakHeapUsedKiB() {
        sample();
        return PEAK.get() >> 10;
    }
}
