package tcpip.narration;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.kernel.Ladder;
import tcpip.kernel.Segment;
import tcpip.kernel.StageContext;
import tcpip.kernel.TimeSequenceGraph;

/**
 * One self-contained HTML page of a narrated run ({@code --html FILE}): per stage the narration
 * as printed, the ladder diagram of its captures as inline SVG and, for window, throughput and
 * loss stages, a time-sequence graph. No scripts, no external files, no network.
 */
public final class Report {

    /** Stages whose names match get a time-sequence graph of every capture that carried data. */
    public static final Pattern GRAPH_STAGES = Pattern.compile(".*(window|throughput|loss|retrans|bulk).*");

    /** Segments a stage asked to draw, and its client when the program knows it (else null). */
    private record LadderRequest(List<Segment> segments, InetSocketAddress knownClient) {
    }

    private static final class StageRecord {
        final Stage stage;
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        final List<LadderRequest> ladders = new ArrayList<>();
        final List<List<Segment>> graphs = new ArrayList<>();
        final List<StageContext.Capture> captures = new ArrayList<>();

        StageRecord(Stage stage) {
            this.stage = stage;
        }
    }

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private final String program;
    private final List<StageRecord> stages = new ArrayList<>();
    private final Consumer<StageContext.Capture> listener = this::captured;
    private StageRecord current;

    public Report(String program) {
        this.program = program;
    }

    /** Where the narration text goes (tee standard output into it); text outside a stage is dropped. */
    public OutputStream sink() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (Report.this) {
                    if (current != null) {
                        current.text.write(b);
                    }
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (Report.this) {
                    if (current != null) {
                        current.text.write(b, off, len);
                    }
                }
            }
        };
    }

    /** Starts recording a stage (and listening for its captures). */
    public synchronized void begin(Stage stage) {
        if (stages.isEmpty()) {
            StageContext.addListener(listener);
        }
        current = new StageRecord(stage);
        stages.add(current);
    }

    /** Stops recording the current stage. */
    public synchronized void end() {
        current = null;
    }

    synchronized void ladder(List<Segment> segments, InetSocketAddress knownClient) {
        if (current != null && !segments.isEmpty()) {
            current.ladders.add(new LadderRequest(List.copyOf(segments), knownClient));
        }
    }

    synchronized void timeSequence(List<Segment> segments) {
        if (current != null && !segments.isEmpty()) {
            current.graphs.add(List.copyOf(segments));
        }
    }

    private synchronized void captured(StageContext.Capture capture) {
        if (current != null) {
            current.captures.add(capture);
        }
    }

    /** Writes the page (and stops listening for captures). */
    public void write(Path file) throws IOException {
        StageContext.removeListener(listener);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(), StandardCharsets.UTF_8);
    }

    /** The whole page. */
    public synchronized String html() {
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"").append(Lang.current().locale().getLanguage())
                .append("\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>").append(esc(MSG.get("report.title", program))).append("</title>\n")
                .append("<style>\n")
                .append("body{font-family:sans-serif;margin:1.5em;max-width:1100px;color:#222}\n")
                .append("section.stage{border-top:2px solid #ccc;margin-top:1.5em;padding-top:.5em}\n")
                .append("pre.narration{background:#f6f6f2;padding:.7em;overflow-x:auto;font-size:12px;line-height:1.25}\n")
                .append("figure{margin:.8em 0}figcaption{font-size:13px;color:#555}\n")
                .append("svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto}\n")
                .append("nav a{margin-right:.8em}.none{color:#777;font-style:italic}\n")
                .append("</style>\n</head>\n<body>\n");
        sb.append("<h1>").append(esc(program)).append("</h1>\n<p>")
                .append(esc(MSG.get("report.run", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME))))
                .append("</p>\n<nav>");
        for (StageRecord r : stages) {
            sb.append("<a href=\"#stage-").append(esc(r.stage.name())).append("\">").append(esc(r.stage.name()))
                    .append("</a>");
        }
        sb.append("</nav>\n");
        int figure = 0;
        for (StageRecord r : stages) {
            sb.append("<section class=\"stage\" id=\"stage-").append(esc(r.stage.name())).append("\">\n<h2>")
                    .append(esc(r.stage.articleSection())).append(" — ").append(esc(r.stage.title())).append("</h2>\n")
                    .append("<pre class=\"narration\">").append(esc(r.text.toString(StandardCharsets.UTF_8)))
                    .append("</pre>\n");
            // The stage's own ladders, each with its known client; a stage that drew none gets its captures,
            // each started for the port a program listened on, so each connection's client is its other end.
            List<LadderChoice> ladders = new ArrayList<>();
            r.ladders.forEach(l -> ladders.add(LadderChoice.of(l.segments(), l.knownClient(), Narrator.MAX_LADDERS)));
            if (ladders.isEmpty()) {
                r.captures.stream().filter(c -> !c.segments().isEmpty())
                        .forEach(c -> ladders.add(LadderChoice.ofServer(c.segments(), c.port(), Narrator.MAX_LADDERS)));
            }
            for (LadderChoice choice : ladders) {
                for (LadderChoice.Drawn d : choice.drawn()) {
                    Ladder ladder = d.ladder();
                    String packets = String.valueOf(ladder.arrows().size());
                    String caption = ladder.roleReason().isEmpty()
                            ? MSG.get("report.ladder.caption", packets, ladder.client(), ladder.server())
                            : MSG.get("report.ladder.caption.guess", packets, ladder.client(), ladder.server(),
                                    ladder.roleReason());
                    sb.append("<figure class=\"ladder\">\n").append(ladder.svg("ladder-" + (++figure)))
                            .append("<figcaption>").append(esc(caption)).append("</figcaption>\n</figure>\n");
                }
            }
            List<List<Segment>> graphs = new ArrayList<>(r.graphs);
            if (graphs.isEmpty() && GRAPH_STAGES.matcher(r.stage.name()).matches()) {
                r.captures.stream().map(StageContext.Capture::segments)
                        .filter(s -> s.stream().anyMatch(seg -> seg.length() > 0)).forEach(graphs::add);
            }
            for (List<Segment> segs : graphs) {
                TimeSequenceGraph g = TimeSequenceGraph.of(segs);
                if (g.dataBytes() > 0) {
                    sb.append("<figure class=\"tsg\">\n").append(g.svg("tsg-" + (++figure)))
                            .append("<figcaption>").append(esc(MSG.get("report.tsg.caption")))
                            .append("</figcaption>\n</figure>\n");
                }
            }
            for (StageContext.Capture c : r.captures) {
                if (!c.unavailableReason().isEmpty()) {
                    sb.append("<p class=\"none\">").append(esc(MSG.get("report.no.packets", String.valueOf(c.port()),
                            c.unavailableReason()))).append("</p>\n");
                }
                c.pcapFile().ifPresent(p -> sb.append("<p>").append(esc(MSG.get("report.saved.as", "\u0000")).replace(
                        "\u0000", "<code>" + esc(p.toString()) + "</code>")).append("</p>\n"));
            }
            if (ladders.isEmpty() && r.captures.stream().allMatch(c -> c.unavailableReason().isEmpty())) {
                sb.append("<p class=\"none\">").append(esc(MSG.get("report.no.capture"))).append("</p>\n");
            }
            sb.append("</section>\n");
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
