package tcpip.narration;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Ladder;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.Segment;
import tcpip.kernel.StageContext;
import tcpip.kernel.StateDiagram;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TextWidth;

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
    private static final Messages MSG = Messages.of("tcpip.cli.messages");
    /** The label column is at least this wide (the English labels' widest, "program"). */
    private static final int MIN_LABEL_COLUMNS = 7;
    /** The standard labels; in Korean they are words like 커널 and 설명, two columns per syllable. */
    private static final String[] LABEL_KEYS = {"narrator.label.program", "narrator.label.code",
        "narrator.label.kernel", "narrator.label.note", "narrator.label.article", "narrator.label.result",
        "narrator.label.packet", "narrator.label.ladder", "narrator.label.states", "narrator.label.model",
        "narrator.label.table", "narrator.label.log", "narrator.label.client", "narrator.label.server"};

    /** Something a stage could not show: its packets ({@code packets}) or the whole stage, and why. */
    public record Skip(String stage, boolean packets, String reason) {
    }

    private final PrintStream out;
    private final List<Skip> skipped = new CopyOnWriteArrayList<>();
    /** The reason this stage already gave for what it cannot show: said once, never repeated. */
    private volatile String saidInStage;
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

    /** Starts a stage that is not a {@link Stage} (an experiment of a lab), named by the article section it shows. */
    public void section(ArticleSection section, String title) {
        section(section.title(), title);
    }

    /** Starts a stage under its header: the article's section titles ({@link Stage#articleSection()}) and its title. */
    public void section(String articleSection, String title) {
        saidInStage = null;
        out.println();
        out.println("=== " + articleSection + " (" + title + ") ===");
    }

    /** A socket call the program makes now. */
    public void program(String what) {
        line(MSG.get("narrator.label.program"), what);
    }

    /**
     * Shows the real lines of a core file that are about to run, between its
     * {@code // [marker]} comments, under the file's name: the narration cannot drift from the code. In Korean
     * a note follows with the excerpt's explanation ({@link SourceExcerpt#korean}).
     */
    public void code(Class<?> core, String marker) {
        List<String> lines = SourceExcerpt.lines(core, marker);
        line(MSG.get("narrator.label.code"), core.getSimpleName() + ".java [" + marker + "]");
        String gutter = "  " + " ".repeat(labelColumns()) + " |   ";
        for (String l : lines) {
            out.println(gutter + l);
        }
        if (Lang.current() == Lang.KO) {
            SourceExcerpt.korean(core, marker).ifPresent(this::note); // the code stays as written; its meaning in Korean
        }
    }

    /** What the kernel did or shows. */
    public void kernel(String what) {
        line(MSG.get("narrator.label.kernel"), what);
    }

    /** An explanation. */
    public void note(String what) {
        line(MSG.get("narrator.label.note"), what);
    }

    /** Where the article's picture is simpler than the real kernel. */
    public void simplifies(String what) {
        line(MSG.get("narrator.label.article"), what);
    }

    /** A measured number. */
    public void result(String what) {
        line(MSG.get("narrator.label.result"), what);
    }

    /**
     * Says once per stage that its packets are not shown and why ({@link PacketAccess}, or a capture
     * that could not start); any later line repeating that reason is left out. Recorded for the
     * end-of-run summary ({@link #skipped()}).
     */
    public void packetsNotShown(String reason) {
        said(reason, true, "narrator.packets.not.shown");
    }

    /** Says that this stage (or part of it) cannot run here and why; recorded like {@link #packetsNotShown}. */
    public void notRun(String reason) {
        said(reason, false, "narrator.not.run");
    }

    private synchronized void said(String reason, boolean packets, String key) {
        if (reason == null || reason.isBlank() || reason.equals(saidInStage)) {
            return;
        }
        saidInStage = reason;
        print(MSG.get("narrator.label.note"), MSG.get(key, reason));
        skipped.add(new Skip(StageContext.stage().orElse(""), packets, reason));
    }

    /** What stages could not show in this narrator's run, in order. */
    public List<Skip> skipped() {
        return List.copyOf(skipped);
    }

    /** Prints a labelled line, e.g. {@code   client  | connect() returned}. */
    public void line(String label, String what) {
        String reason = saidInStage;
        if (reason != null && what.contains(reason)) {
            return; // the stage already said why it cannot show this
        }
        print(label, what);
    }

    private void print(String label, String what) {
        out.println("  " + TextWidth.padRight(label, labelColumns()) + " | " + what);
    }

    /**
     * Display columns of the label column in the current language: the widest standard label,
     * at least 7 (English: {@code program}); Hangul counts two columns, so Korean labels line up too.
     */
    public static int labelColumns() {
        int columns = MIN_LABEL_COLUMNS;
        for (String key : LABEL_KEYS) {
            columns = Math.max(columns, TextWidth.of(MSG.get(key)));
        }
        return columns;
    }

    /**
     * The standard label {@code name} in the current language: program, code, kernel, note, article,
     * result, packet, ladder, states, model, table, log, client or server (Korean: 프로그램, 코드, 커널, 설명 …).
     */
    public static String label(String name) {
        return MSG.get("narrator.label." + name);
    }

    /**
     * Prints the LISTEN row of a server port and returns it (empty off Linux, or if there is none).
     * Only that row: an earlier connection that used the same port number as its ephemeral port
     * may still sit in TIME_WAIT on it.
     */
    public Optional<SocketRow> listener(int port) {
        if (!available()) {
            return Optional.empty();
        }
        Optional<SocketRow> row = SocketTable.listener(port);
        row.ifPresentOrElse(this::row, () -> kernel(MSG.get("narrator.no.row", String.valueOf(port))));
        return row;
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
                d -> kernel(MSG.get("narrator.descriptor", d.toString(), row.local())),
                () -> kernel(MSG.get("narrator.no.descriptor", String.valueOf(row.inode()))));
    }

    /**
     * Prints captured segments, one per line, then draws them: a ladder diagram per connection
     * and, when the capture holds a handshake or a close, the TCP state diagram with the path
     * each side took. With no segments, one line says why there is no picture. Only for a capture
     * whose client nobody knows: a program that made the connection calls
     * {@link #segments(List, InetSocketAddress)}.
     */
    public void segments(List<Segment> segments) {
        segments(segments, null);
    }

    /**
     * Like {@link #segments(List)}, for a program that knows its client's endpoint: the ladder is that
     * connection's, with {@code knownClient} as its client (nothing guessed; a wildcard address matches
     * the port alone).
     */
    public void segments(List<Segment> segments, InetSocketAddress knownClient) {
        String packet = MSG.get("narrator.label.packet");
        segments.forEach(s -> line(packet, s.describe()));
        ladder(segments, knownClient);
    }

    /**
     * Draws the ladder (and, for a handshake or close, the state diagram) of captured segments,
     * their client taken from the packets (a guess, said under the ladder, when they hold no SYN).
     * Only for a capture whose client nobody knows: a program calls {@link #ladder(List, InetSocketAddress)}.
     */
    public void ladder(List<Segment> segments) {
        ladder(segments, null);
    }

    /**
     * Draws the ladder of the connection whose client is {@code knownClient} (the program made it, so
     * it knows its own address and port; a wildcard address matches the port alone): that end is the
     * client, whatever the packets hold, and the ladder says nothing was guessed. Other connections
     * of the capture are counted, not drawn. With {@code null}, or a client the capture does not
     * hold, this is {@link #ladder(List)}.
     */
    public void ladder(List<Segment> segments, InetSocketAddress knownClient) {
        if (report != null) {
            report.ladder(segments, knownClient);
        }
        String ladderLabel = MSG.get("narrator.label.ladder");
        if (segments.isEmpty()) {
            PacketAccess access = PacketAccess.current();
            if (!access.canCapture()) {
                packetsNotShown(access.whyNoPackets()); // no picture, and no "saw no packets" for a capture never run
            } else if (saidInStage == null) {
                line(ladderLabel, MSG.get("narrator.ladder.no.packets"));
            }
            return;
        }
        LadderChoice choice = LadderChoice.of(segments, knownClient, MAX_LADDERS);
        for (LadderChoice.Drawn d : choice.drawn()) {
            Ladder ladder = d.ladder();
            String packets = String.valueOf(ladder.arrows().size());
            line(ladderLabel, choice.connections() > 1
                    ? MSG.get("narrator.ladder.drawn.of", packets, String.valueOf(d.number()),
                            String.valueOf(choice.connections()))
                    : MSG.get("narrator.ladder.drawn", packets));
            ladder.text(unicode).forEach(l -> out.println(PICTURE_INDENT + l));
            if (ladder.arrows().stream().anyMatch(a -> a.segment().syn() || a.segment().fin())) {
                line(MSG.get("narrator.label.states"), MSG.get("narrator.states"));
                StateDiagram.of(ladder).text(unicode).forEach(l -> out.println(PICTURE_INDENT + l));
            }
        }
        if (choice.notDrawn() > 0) {
            line(ladderLabel, MSG.get("narrator.ladder.more", String.valueOf(choice.notDrawn())));
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
