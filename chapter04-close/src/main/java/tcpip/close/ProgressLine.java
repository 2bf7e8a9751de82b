package tcpip.close;

import java.io.PrintStream;

/**
 * A progress line redrawn in place with '\r', only when a person watches a terminal: bytes so far
 * and speed, with a marker that moves (it needs no total).
 */
public final class ProgressLine {

    /** Below this many bytes no line is drawn: small files finish before anyone could read it. */
    public static final long SHOW_AFTER_BYTES = 4L << 20;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    private ProgressLine(PrintStream out) {
        this.out = out;
    }

    /** A progress line on stderr if this program runs in a terminal, else one that prints nothing. */
    public static ProgressLine forConsole() {
        return new ProgressLine(System.console() != null ? System.err : null);
    }

    /** Redraws (at most five times a second) after {@code bytes} arrived in total. */
    public void update(long bytes) {
        long now = System.nanoTime();
        if (out == null || bytes < SHOW_AFTER_BYTES || now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        int pos = (int) ((now - start) / REDRAW_NANOS % WIDTH); // a marker that moves
        StringBuilder bar = new StringBuilder(" ".repeat(WIDTH));
        bar.setCharAt(pos, '#');
        out.printf("\r[%s] %,d MiB  %.0f MiB/s ", bar, bytes >> 20, (bytes >> 20) / Math.max(seconds, 1e-3));
        drawn = true;
    }

    /** Ends the line so the next output starts on a fresh one. */
    public void finish() {
        if (out != null && drawn) {
            out.println();
        }
    }
}
