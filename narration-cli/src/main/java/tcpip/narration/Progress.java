package tcpip.narration;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import tcpip.cli.Cli;
import tcpip.cli.Messages;
import tcpip.kernel.TextWidth;

/**
 * A one-line progress display (bytes, rate, ETA) for long-running programs, redrawn in place on a
 * terminal at most a few times a second and silent when the output is piped or redirected.
 *
 * <pre>
 * Progress p = Progress.start("sending", totalBytes);   // -1 if the total is unknown
 * p.update(sentSoFar);                                    // cheap: call after every write
 * p.done();                                               // final line, then a newline
 * p.fail();                                               // or, on failure: the line erased, no newline
 * </pre>
 * One line is open at a time ({@link #eraseOpen}): a program's last line (its failure, a signal's line) first
 * erases it, so the two never share a row and a failure leaves exactly one line.
 */
public final class Progress {

    /** Set {@code -Dtcpip.progress=off} (or env {@code TCPIP_PROGRESS=off}) to silence it on a TTY too. */
    public static final String DISABLE_PROPERTY = "tcpip.progress";
    private static final String DISABLE_ENV = "TCPIP_PROGRESS";
    /** Redraw at most this often (about 5 times a second). */
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};
    private static final double UNIT_STEP = 1024.0;
    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private final String label;
    private final long total;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long startNanos;
    private long lastDrawNanos;
    private long current;
    private int lastWidth;
    private boolean finished;
    /** The line drawn and not yet finished or erased, if any: {@link #eraseOpen} clears it before a last line. */
    private static volatile Progress open;

    static {
        Cli.beforeLastLine(Progress::eraseOpen); // Cli's last lines (failure, signal) start on a clean row
    }

    Progress(String label, long total, PrintStream out, LongSupplier clock) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos - REDRAW_NANOS;
    }

    /**
     * Starts a progress line on standard error, or a silent one when there is no terminal
     * ({@code System.console() == null}) or progress is disabled.
     *
     * @param label what is happening, e.g. {@code "sending"}
     * @param total the number of bytes expected, or -1 when unknown (no ETA, no percentage)
     */
    public static Progress start(String label, long total) {
        return new Progress(label, total, enabled() ? System.err : null, System::nanoTime);
    }

    /** A progress line that always draws on {@code out} (tests, or a caller that decided itself). */
    public static Progress on(PrintStream out, String label, long total) {
        return new Progress(label, total, out, System::nanoTime);
    }

    /** True if {@link #start} would draw: a terminal is attached and progress is not switched off. */
    public static boolean enabled() {
        if ("off".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY, ""))
                || "off".equalsIgnoreCase(System.getenv().getOrDefault(DISABLE_ENV, ""))) {
            return false;
        }
        return onTerminal();
    }

    /**
     * True if this program talks to a terminal ({@code System.console()}), not to a pipe or file, and its
     * standard error, where the line is drawn, is one too (stdout on a terminal, stderr to a file: not drawn).
     */
    public static boolean onTerminal() {
        return consoleIsTerminal() && isTerminal(Path.of("/proc/self/fd/2"));
    }

    /**
     * True if the descriptor link {@code fd} (Linux: /proc/self/fd/N) names a terminal (/dev/pts/N, /dev/ttyN,
     * /dev/console); true too where there is no such link to read (not Linux): the console's answer stands.
     */
    static boolean isTerminal(Path fd) {
        String to;
        try {
            to = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return !Files.isDirectory(Path.of("/proc/self/fd")); // Linux without the link: no terminal to trust
        }
        return to.startsWith("/dev/pts/") || to.startsWith("/dev/tty") || to.equals("/dev/console");
    }

    private static boolean consoleIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22+: a console object exists even when redirected; isTerminal() tells the truth.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: System.console() is null unless stdin and stdout are a terminal
        }
    }

    /** Records the bytes done so far; redraws only if ~200 ms passed since the last redraw. */
    public synchronized void update(long bytesSoFar) {
        current = bytesSoFar;
        if (out == null || finished) {
            return;
        }
        long now = clock.getAsLong();
        if (now - lastDrawNanos >= REDRAW_NANOS) {
            lastDrawNanos = now;
            draw(now, false);
        }
    }

    /** Adds to the bytes done so far. */
    public void add(long bytes) {
        update(current + bytes);
    }

    /** Draws the final line and ends it with a newline; later calls do nothing. */
    public synchronized void done() {
        if (out == null || finished) {
            finished = true;
            return;
        }
        finished = true;
        draw(clock.getAsLong(), true);
    }

    /**
     * The work failed: erases the line (no newline), so that the failure's own line is the only one left;
     * later calls do nothing. Nothing to erase when nothing was drawn.
     */
    public synchronized void fail() {
        boolean drawn = out != null && !finished && lastWidth > 0;
        finished = true;
        if (open == this) {
            open = null;
        }
        if (drawn) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.flush();
        }
    }

    /** Erases the progress line still open, if any (before a program's last line); else does nothing. */
    public static void eraseOpen() {
        Progress p = open;
        if (p != null) {
            p.fail();
        }
    }

    /** The line as it would be drawn now (without the carriage return). */
    String line(long nowNanos) {
        double seconds = Math.max(nowNanos - startNanos, 1) / NANOS_PER_SECOND;
        double rate = current / seconds;
        StringBuilder sb = new StringBuilder(label).append(' ').append(bytes(current));
        if (total >= 0) {
            sb.append(" / ").append(bytes(total));
            if (total > 0) {
                sb.append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, current * 100 / total)));
            }
        }
        sb.append("  ").append(bytes((long) rate)).append("/s");
        if (total > 0 && current < total && rate > 0) {
            sb.append("  ").append(MSG.get("progress.eta", clock((long) Math.ceil((total - current) / rate))));
        } else {
            sb.append("  ").append(MSG.get("progress.elapsed", clock((long) seconds)));
        }
        return sb.toString();
    }

    private void draw(long now, boolean last) {
        String text = line(now);
        int width = TextWidth.of(text); // a Korean label takes two columns per syllable
        int pad = Math.max(0, lastWidth - width);
        lastWidth = width;
        out.print("\r" + text + " ".repeat(pad) + (last ? System.lineSeparator() : ""));
        out.flush();
        open = last ? null : this;
    }

    /** 1536 -> "1.5 KiB". */
    static String bytes(long n) {
        double v = n;
        int unit = 0;
        while (v >= UNIT_STEP && unit < UNITS.length - 1) {
            v /= UNIT_STEP;
            unit++;
        }
        return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, UNITS[unit]);
    }

    private static String clock(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
