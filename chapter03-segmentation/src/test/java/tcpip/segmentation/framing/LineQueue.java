package tcpip.segmentation.framing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A server's log whose lines a test can wait for (no sleeping). */
public final class LineQueue implements Consumer<String> {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public void accept(String line) {
        line.lines().forEach(lines::add);
    }

    /** Waits for the next line containing {@code text}; fails with what was logged instead. */
    public String await(String text, Duration timeout) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("server never logged '" + text + "'; it logged: " + seen);
            }
            if (line.contains(text)) {
                return line;
            }
            seen.append(line).append(" | ");
        }
    }
}
