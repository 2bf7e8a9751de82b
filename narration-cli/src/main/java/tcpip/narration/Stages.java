package tcpip.narration;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.cli.ShownValue;
import tcpip.cli.UsageException;
import tcpip.kernel.StageContext;
import tcpip.kernel.TextWidth;

/**
 * Runs a list of {@link Stage}s as a program: every chapter demo and the guided tour share this
 * main, so {@code --list}, {@code --stage NAME}, {@code --only NAME} and pausing work the same way.
 */
public final class Stages {

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private Stages() {
    }

    /** The whole main of a narrated demo. */
    public static void main(String program, String summary, List<Stage> stages, String[] args) {
        Lang.chooseFrom(args); // the option texts below are built in the language asked for
        Cli cli = new Cli(program, summary);
        Cli.Option<Boolean> list = cli.flag("--list", MSG.get("stages.opt.list"));
        Cli.Option<String> from = cli.stringOption("--stage", null, MSG.get("stages.opt.stage"));
        Cli.Option<String> only = cli.stringOption("--only", null, MSG.get("stages.opt.only"));
        Cli.Option<Boolean> noPause = cli.flag("--no-pause", MSG.get("stages.opt.no.pause"));
        Cli.Option<Path> pcap = cli.pathOption("--pcap", null, MSG.get("stages.opt.pcap"));
        Cli.Option<Path> html = cli.fileOption("--html", null, MSG.get("stages.opt.html"));
        Cli.Option<Boolean> plain = cli.flag("--plain", MSG.get("stages.opt.plain"));
        cli.parse(args);
        if (list.get()) {
            int width = stages.stream().mapToInt(s -> TextWidth.of(s.name())).max().orElse(0);
            stages.forEach(s -> System.out.println(TextWidth.padRight(s.name(), width) + "  " + s.articleSection() + ": "
                    + s.title()));
            return;
        }
        List<Stage> chosen = stages;
        if (only.given()) {
            // --only NAME, or several: --only a,b,c (in the order given)
            List<Stage> picked = new ArrayList<>();
            for (String wanted : only.get().split(",")) {
                int at = indexOf(stages, wanted.strip());
                if (at < 0) {
                    System.err.println(MSG.get("stages.no.stage", program, ShownValue.of(wanted.strip())));
                    Cli.exit(Cli.EXIT_USAGE);
                    return;
                }
                picked.add(stages.get(at));
            }
            chosen = List.copyOf(picked);
        } else if (from.get() != null) {
            int start = indexOf(stages, from.get());
            if (start < 0) {
                System.err.println(MSG.get("stages.no.stage", program, ShownValue.of(from.get())));
                Cli.exit(Cli.EXIT_USAGE);
                return;
            }
            chosen = stages.subList(start, stages.size());
        }
        String unusable = unusableOutput(program, pcap.get(), html.get());
        if (unusable != null) {
            System.err.println(unusable);
            Cli.exit(Cli.EXIT_USAGE);
            return;
        }
        // Pause unless told not to: under ./mvnw exec:exec the program inherits Maven's stdin (inheritIo in the
        // parent pom), so a person's Enter reaches it, and without input (CI, </dev/null) the first read sees end
        // of input and the stages run straight through.
        boolean pause = !noPause.get();
        List<Stage> run = chosen;
        cli.run(() -> runWithOptions(program, run, pause, pcap.get(), html.get(), plain.get()));
    }

    /**
     * The one-line error for an output that cannot be written, found before any stage runs (not after
     * a whole run): the {@code --pcap} directory is made now, the {@code --html} file's directory must
     * exist and be writable. Null if both can be used (or were not asked for).
     */
    private static String unusableOutput(String program, Path pcapDir, Path htmlFile) {
        if (pcapDir != null) {
            try {
                Files.createDirectories(pcapDir);
            } catch (IOException | RuntimeException e) {
                return MSG.get("stages.pcap.unusable", program, ShownValue.of(pcapDir.toString()),
                        ShownValue.escaped(Cli.describe(e)));
            }
        }
        if (htmlFile != null) {
            Path file = htmlFile.toAbsolutePath();
            Path dir = file.getParent();
            String shown = ShownValue.of(htmlFile.toString());
            if (Files.isDirectory(file)) {
                return MSG.get("stages.html.is.directory", program, shown);
            }
            if (dir == null || !Files.isDirectory(dir)) {
                return MSG.get("stages.html.no.directory", program, shown, ShownValue.of(String.valueOf(dir)));
            }
            if (!Files.isWritable(dir) || Files.exists(file) && !Files.isWritable(file)) {
                return MSG.get("stages.html.read.only", program, shown);
            }
        }
        return null;
    }

    /**
     * Runs stages on standard output with the optional outputs: .pcap files in {@code pcapDir},
     * an HTML report in {@code htmlFile}, ASCII pictures if {@code plain} (each may be null/false).
     */
    public static void runWithOptions(String program, List<Stage> stages, boolean pause, Path pcapDir, Path htmlFile,
            boolean plain) throws Exception {
        boolean unicode = !plain && Progress.onTerminal();
        PrintStream original = System.out;
        Report report = htmlFile == null ? null : new Report(program);
        if (report != null) {
            // Everything printed while a stage runs goes to the terminal and into the report.
            System.setOut(new PrintStream(new Tee(original, report.sink()), true, StandardCharsets.UTF_8));
        }
        StageContext.pcapDir(pcapDir);
        try {
            run(stages, new Narrator(System.out).unicode(unicode).report(report), pause);
        } finally {
            StageContext.pcapDir(null);
            System.out.flush();
            System.setOut(original);
            if (report != null) {
                report.write(htmlFile);
                original.println(MSG.get("stages.html.written", htmlFile.toAbsolutePath().toString()));
            }
            if (pcapDir != null) {
                original.println(MSG.get("stages.pcap.written", pcapDir.toAbsolutePath().toString()));
            }
        }
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }

    /** Runs stages in order through one narrator; pauses for Enter between them if asked. */
    public static void run(List<Stage> stages, Narrator narrator, boolean pause) throws Exception {
        // A capture that cannot run says so once in its stage, as soon as it was asked for.
        Consumer<StageContext.Capture> unavailable = c -> narrator.packetsNotShown(c.unavailableReason());
        StageContext.addListener(unavailable);
        try {
            runStages(stages, narrator, pause);
        } finally {
            StageContext.removeListener(unavailable);
        }
        if (stages.size() > 1) {
            summary(narrator);
        }
    }

    /** The end of a run: what could not be shown, grouped by reason, with the stages it concerned. */
    private static void summary(Narrator narrator) {
        Map<String, List<Narrator.Skip>> byReason = new LinkedHashMap<>();
        for (Narrator.Skip s : narrator.skipped()) {
            byReason.computeIfAbsent((s.packets() ? "p" : "r") + s.reason(), k -> new ArrayList<>()).add(s);
        }
        if (byReason.isEmpty()) {
            return;
        }
        narrator.out().println();
        narrator.out().println(MSG.get("stages.summary"));
        for (List<Narrator.Skip> group : byReason.values()) {
            Narrator.Skip first = group.get(0);
            List<String> names = group.stream().map(Narrator.Skip::stage).distinct().toList();
            narrator.out().println("  - " + MSG.get(first.packets() ? "stages.summary.packets" : "stages.summary.not.run",
                    String.valueOf(names.size()), String.join(", ", names), first.reason()));
        }
        narrator.out().flush();
    }

    private static void runStages(List<Stage> stages, Narrator narrator, boolean pause) throws Exception {
        BufferedReader in = pause ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) : null;
        Report report = narrator.report();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            StageContext.enter(s.name());
            if (report != null) {
                report.begin(s);
            }
            try {
                narrator.section(s.articleSection(), s.title());
                s.body().run(narrator);
            } finally {
                narrator.out().flush();
                if (report != null) {
                    report.end();
                }
                StageContext.enter(null);
            }
            if (in != null && i + 1 < stages.size()) {
                narrator.out().print("\n" + MSG.get("stages.pause", stages.get(i + 1).title()) + " ");
                narrator.out().flush();
                if (in.readLine() == null) {
                    in = null; // stdin closed: carry on without pausing
                }
            }
        }
    }

    private static int indexOf(List<Stage> stages, String name) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
