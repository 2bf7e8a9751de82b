package tcpip.segmentation;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A PrintStream for a server's log whose lines a test can wait for (no sleeping). */
final class LineQueue {

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintStream stream = new PrintStream(new ByteArrayOutputStream() {
        @Override
        public synchronized void flush() {
            toString(StandardCharsets.UTF_8).lines().forEach(lines::add);
            reset();
        }
    }, true, StandardCharsets.UTF_8);

    PrintStream stream() {
        return stream;
    }

    /** Waits for the next line containing {@code text}; fails with what was logged instead. */
    String await(String text, Duration timeout) throws InterruptedException {
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
