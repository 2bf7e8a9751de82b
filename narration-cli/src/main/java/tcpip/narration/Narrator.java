package tcpip.narration;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Ladder;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.StateDiagram;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;

/**
 * Prints a demo's story in one consistent layout: which article section a stage belongs to,
 * what the program calls, and what the kernel shows at that moment.
 *
 * <pre>
 * === 소켓 생성 (socket creation) ===
 *   program | SocketChannel.open()
 *   kernel  | fd 7 -> socket:[48213]
 *   note    | the socket has no row in /proc/net/tcp yet: it has no address
 * </pre>
 */
public final class Narrator {

    /** At most this many connections of one capture are drawn as ladders. */
    public static final int MAX_LADDERS = 2;
    private static final String PICTURE_INDENT = "    ";

    private final PrintStream out;
    private boolean warnedUnavailable;
    private boolean unicode;
    private Report report;

    public Narrator(PrintStream out) {
        this.out = out;
        this.unicode = out == System.out && Progress.onTerminal();
    }

    /**
     * Draws pictures with Unicode box drawing ({@code true}) or plain ASCII. The default is
     * Unicode only on a terminal; {@code --plain} and any redirected output get ASCII.
     */
    public Narrator unicode(boolean on) {
        this.unicode = on;
        return this;
    }

    /** The report this narrator records into, or null. */
    Report report() {
        return report;
    }

    /** True if pictures use Unicode box drawing. */
    public boolean unicode() {
        return unicode;
    }

    /** Also records every stage's text and pictures into {@code report} (null: stop). */
    public Narrator report(Report report) {
        this.report = report;
        return this;
    }

    /** A narrator on standard output. */
    public static Narrator stdout() {
        return new Narrator(System.out);
    }

    public PrintStream out() {
        return out;
    }

    /** Starts a stage, named by the article section it demonstrates. */
    public void section(String articleSection, String title) {
        out.println();
        out.println("=== " + articleSection + " (" + title + ") ===");
    }

    /** A socket call the program makes now. */
    public void program(String what) {
        line("program", what);
    }

    /**
     * Shows the real lines of a core file that are about to run, between its
     * {@code // [marker]} comments, under the file's name: the narration cannot drift from the code.
     */
    public void code(Class<?> core, String marker) {
        out.println("  code    | " + core.getSimpleName() + ".java [" + marker + "]");
        for (String l : SourceExcerpt.lines(core, marker)) {
            out.println("          |   " + l);
        }
    }

    /** What the kernel did or shows. */
    public void kernel(String what) {
        line("kernel", what);
    }

    /** An explanation. */
    public void note(String what) {
        line("note", what);
    }

    /** Where the article's picture is simpler than the real kernel. */
    public void simplifies(String what) {
        line("article", what);
    }

    /** A measured number. */
    public void result(String what) {
        line("result", what);
    }

    /** Prints a labelled line, e.g. {@code   client  | connect() returned}. */
    public void line(String label, String what) {
        out.printf("  %-7s | %s%n", label, what);
    }

    /** Prints the kernel's rows for every connection on a port (or the one unavailable line). */
    public List<SocketRow> rows(int port) {
        if (!available()) {
            return List.of();
        }
        List<SocketRow> rows = SocketTable.onPort(port);
        if (rows.isEmpty()) {
            kernel("no row on port " + port + " in /proc/net/tcp*");
        }
        rows.forEach(this::row);
        return rows;
    }

    /** Prints one kernel row. */
    public void row(SocketRow row) {
        kernel(row.describe());
    }

    /** Prints the descriptor that holds a socket row, e.g. {@code fd 7 -> socket:[48213]}. */
    public void descriptorOf(SocketRow row) {
        if (!available()) {
            return;
        }
        Descriptors.of(row).ifPresentOrElse(
                d -> kernel(d + "  (this process's number tag for " + row.local() + ")"),
                () -> kernel("no descriptor in this process holds inode " + row.inode()));
    }

    /**
     * Prints captured segments, one per line, then draws them: a ladder diagram per connection
     * and, when the capture holds a handshake or a close, the TCP state diagram with the path
     * each side took. With no segments, one line says why there is no picture.
     */
    public void segments(List<Segment> segments) {
        segments.forEach(s -> line("packet", s.describe()));
        ladder(segments);
    }

    /** Draws the ladder (and, for a handshake or close, the state diagram) of captured segments. */
    public void ladder(List<Segment> segments) {
        if (report != null) {
            report.ladder(segments);
        }
        if (segments.isEmpty()) {
            line("ladder", PacketCapture.installed() ? "no ladder diagram: the capture saw no packets"
                    : "no ladder diagram: tcpdump is not installed (apt-get install tcpdump), so there are no packets "
                            + "to draw");
            return;
        }
        List<List<Segment>> connections = Ladder.connections(segments);
        for (int i = 0; i < Math.min(MAX_LADDERS, connections.size()); i++) {
            List<Segment> conn = connections.get(i);
            Ladder ladder = Ladder.of(conn);
            line("ladder", "drawn from the " + conn.size() + " captured packet(s)"
                    + (connections.size() > 1 ? " of connection " + (i + 1) + " of " + connections.size() : "")
                    + "; states replayed from the packets by the TCP state machine");
            ladder.text(unicode).forEach(l -> out.println(PICTURE_INDENT + l));
            if (conn.stream().anyMatch(s -> s.syn() || s.fin())) {
                line("states", "RFC 9293's state diagram with the path each side took in this capture");
                StateDiagram.of(ladder).text(unicode).forEach(l -> out.println(PICTURE_INDENT + l));
            }
        }
        if (connections.size() > MAX_LADDERS) {
            line("ladder", (connections.size() - MAX_LADDERS) + " more connection(s) in this capture not drawn");
        }
    }

    /**
     * Asks for a time-sequence graph of these segments in the HTML report (--html); the
     * terminal shows nothing more. Stages named like window, throughput or loss get one for
     * their captures without asking.
     */
    public void timeSequence(List<Segment> segments) {
        if (report != null) {
            report.timeSequence(segments);
        }
    }

    /** Formats a duration for people: 0.042 ms, 41.9 ms, 1.20 s. */
    public static String human(Duration d) {
        double ms = d.toNanos() / 1e6;
        if (ms < 1) {
            return String.format("%.3f ms", ms);
        }
        if (ms < 1000) {
            return String.format("%.1f ms", ms);
        }
        return String.format("%.2f s", ms / 1000);
    }

    /** True if the kernel view works here; otherwise prints the one unavailable line once. */
    public boolean available() {
        if (SocketTable.available()) {
            return true;
        }
        if (!warnedUnavailable) {
            warnedUnavailable = true;
            kernel(SocketTable.unavailableMessage());
        }
        return false;
    }
}
