package tcpip.tour;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Background;
import tcpip.kernel.KernelText;

/**
 * Keeps the READMEs' output excerpts real. An excerpt is a {@code ```text} fence right after a
 * marker {@code <!-- output: MODULE Main --args -->}; {@code --write} replaces every excerpt with
 * one fresh run of its command, {@code --check} says which excerpts no longer have the shape of what
 * the program prints today (numbers may differ; words, order and line count may not; a fence line
 * that is only {@code …} stands for any number of lines).
 */
public final class ReadmeOutput {

    static final Pattern MARKER = Pattern.compile("<!--\\s*output:\\s*(\\S+)\\s+(\\S+)(.*?)-->");
    private static final Pattern NUMBER = Pattern.compile("[0-9A-Fa-f]*[0-9][0-9A-Fa-f]*");
    private static final String SKIP = "…";
    static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    private ReadmeOutput() {
    }

    /** One excerpt: where it is, the command behind it, and the fence's lines. */
    record Excerpt(Path readme, int markerLine, String module, String main, List<String> args, List<String> lines) {
        String where() {
            return readme + ":" + (markerLine + 1);
        }
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("ReadmeOutput", Msg.get("readme.summary"));
        Cli.Option<Boolean> write = cli.flag("--write", Msg.get("readme.opt.write"));
        Cli.Option<Path> root = cli.pathOption("--root", Path.of(System.getProperty("tcpip.root", "..")),
                Msg.get("readme.opt.root"));
        cli.example("./mvnw -q -pl tour -am compile exec:exec -Dmain=ReadmeOutput");
        Cli.Option<String> only = cli.stringOption("--only", null, Msg.get("readme.opt.only"));
        cli.example("./mvnw -q -pl tour -am compile exec:exec -Dmain=ReadmeOutput -Dargs=\"--write\"");
        cli.example("./mvnw -q -pl tour -am compile exec:exec -Dmain=ReadmeOutput -Dargs=\"--write --only chapter01-echo/README.ko.md\"");
        cli.parse(args);
        cli.run(() -> {
            int bad = 0;
            Path r = root.get().toAbsolutePath().normalize();
            List<String> chosen = only.get() == null ? List.of() : List.of(only.get().split(","));
            for (Path readme : readmes(r)) {
                if (!chosen.isEmpty() && !chosen.contains(r.relativize(readme).toString())) {
                    continue;
                }
                List<Excerpt> excerpts = excerpts(r, readme);
                if (excerpts.isEmpty()) {
                    continue;
                }
                List<String> text = new ArrayList<>(Files.readAllLines(readme, StandardCharsets.UTF_8));
                for (int i = excerpts.size() - 1; i >= 0; i--) { // from the end: line numbers stay valid
                    Excerpt e = excerpts.get(i);
                    List<String> out = run(r, e);
                    if (write.get()) {
                        int open = e.markerLine() + 1;
                        for (int k = 0; k < e.lines().size(); k++) {
                            text.remove(open + 1);
                        }
                        text.addAll(open + 1, out);
                    } else {
                        String why = mismatch(e.lines(), out);
                        if (why != null) {
                            bad++;
                            System.out.println(e.where() + ": " + why);
                        }
                    }
                }
                if (write.get()) {
                    Files.write(readme, text, StandardCharsets.UTF_8);
                    System.out.println(Msg.get("readme.rewrote", String.valueOf(excerpts.size()),
                            String.valueOf(r.relativize(readme))));
                }
            }
            if (!write.get()) {
                System.out.println(bad == 0 ? Msg.get("readme.all.match") : Msg.get("readme.differ", String.valueOf(bad)));
                if (bad > 0) {
                    Cli.exit(Cli.EXIT_FAILURE);
                }
            }
        });
    }

    static List<Path> readmes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.filter(p -> p.getFileName().toString().matches("README(\\.\\w+)?\\.md"))
                    .filter(p -> !p.toString().contains("/target/")).sorted().toList();
        }
    }

    /** Every marked excerpt of one README. */
    static List<Excerpt> excerpts(Path root, Path readme) throws IOException {
        List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
        List<Excerpt> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MARKER.matcher(lines.get(i));
            if (!m.find()) {
                continue;
            }
            if (i + 1 >= lines.size() || !lines.get(i + 1).trim().startsWith("```")) {
                throw new IllegalStateException(root.relativize(readme) + ":" + (i + 1)
                        + ": an output marker must be followed by a ``` fence");
            }
            int end = i + 2;
            while (end < lines.size() && !lines.get(end).trim().startsWith("```")) {
                end++;
            }
            out.add(new Excerpt(root.relativize(readme), i, m.group(1), m.group(2), words(m.group(3).trim()),
                    List.copyOf(lines.subList(i + 2, Math.min(end, lines.size())))));
        }
        return out;
    }

    /** Runs an excerpt's command in its module's directory; its standard output, line by line. */
    static List<String> run(Path root, Excerpt e) throws IOException, InterruptedException {
        // The excerpt's language is its README's (README.ko.md: Korean), whatever the locale of whoever runs this.
        String lang = e.readme().getFileName().toString().endsWith(".ko.md") ? "ko" : "en";
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-D" + KernelText.LANGUAGE_PROPERTY + "=" + lang, "-cp",
                System.getProperty("java.class.path"), mainClass(root, e.module(), e.main())));
        cmd.addAll(e.args());
        Process p = new ProcessBuilder(cmd).directory(root.resolve(e.module()).toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        var stdout = CompletableFuture.supplyAsync(() -> {
            try (var in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException ex) {
                return "";
            }
        }, Background.OWN_THREAD);
        if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(Msg.get("readme.too.slow", e.where(), e.main(), String.valueOf(RUN_LIMIT.toSeconds())));
        }
        List<String> out = new ArrayList<>(stdout.join().lines().toList());
        while (!out.isEmpty() && out.get(0).isBlank()) {
            out.remove(0);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** The class a simple main name stands for in a module's sources. */
    static String mainClass(Path root, String module, String name) throws IOException {
        Path sources = root.resolve(module).resolve("src/main/java");
        try (Stream<Path> all = Files.walk(sources)) {
            List<String> found = all.filter(p -> p.getFileName().toString().equals(name + ".java"))
                    .map(p -> sources.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", "")).toList();
            if (found.size() != 1) {
                throw new IOException("no single main named " + name + " in " + module + ": " + found);
            }
            return found.get(0);
        }
    }

    /**
     * Null if the excerpt has the shape of the output, else why not. Numbers (decimal or hex, with
     * at least one digit) are wildcards and runs of spaces count as one; {@code …} skips lines.
     */
    static String mismatch(List<String> excerpt, List<String> output) {
        List<String> want = logRuns(packetRuns(trimBlank(excerpt).stream().map(ReadmeOutput::shape).toList()));
        List<String> have = logRuns(packetRuns(trimBlank(output).stream().map(ReadmeOutput::shape).toList()));
        return match(want, 0, have, 0) ? null : firstDifference(want, have);
    }

    /** Consecutive log lines of a server's threads are compared as a set: the threads finish in either order. */
    private static List<String> logRuns(List<String> shapes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < shapes.size(); ) {
            int j = i;
            while (j < shapes.size() && isLog(shapes.get(j))) {
                j++;
            }
            if (j > i) {
                out.addAll(shapes.subList(i, j).stream().sorted().toList());
                i = j;
            } else {
                out.add(shapes.get(i++));
            }
        }
        return out;
    }

    private static boolean isLog(String shape) {
        return shape.startsWith("server |") || shape.startsWith("log |");
    }

    /**
     * Consecutive packet lines (and a ladder's arrows) become one: which segments the kernel sends differs from run to run
     * (a FIN rides on the last data segment or follows it; a delayed ACK comes or is replaced).
     */
    private static List<String> packetRuns(List<String> shapes) {
        List<String> out = new ArrayList<>();
        for (String s : shapes) {
            boolean packet = s.startsWith("packet |") || s.contains("|--") || s.contains("--|"); // a line or a ladder arrow
            if (!(packet && !out.isEmpty() && out.get(out.size() - 1).equals(PACKETS))) {
                out.add(packet ? PACKETS : s);
            }
        }
        return out;
    }

    private static boolean match(List<String> want, int w, List<String> have, int h) {
        if (w == want.size()) {
            return h == have.size();
        }
        if (want.get(w).equals(SKIP)) {
            for (int k = h; k <= have.size(); k++) {
                if (match(want, w + 1, have, k)) {
                    return true;
                }
            }
            return false;
        }
        return h < have.size() && want.get(w).equals(have.get(h)) && match(want, w + 1, have, h + 1);
    }

    private static String firstDifference(List<String> want, List<String> have) {
        int h = 0;
        boolean skipping = false;
        for (String w : want) {
            if (w.equals(SKIP)) {
                skipping = true;
                continue;
            }
            if (skipping) {
                int found = have.subList(Math.min(h, have.size()), have.size()).indexOf(w);
                if (found < 0) {
                    return "excerpt line '" + w + "' is not in the output (after its line " + h + ")";
                }
                h += found + 1;
                skipping = false;
                continue;
            }
            if (h >= have.size()) {
                return "the output ends before the excerpt's line '" + w + "'";
            }
            if (!w.equals(have.get(h))) {
                return "excerpt line '" + w + "' but the program now prints '" + have.get(h) + "'";
            }
            h++;
        }
        return skipping ? "the lines do not line up with the output"
                : "the program prints " + (have.size() - h) + " more line(s) than the excerpt (end it with a '…' line)";
    }

    /** Without blank lines at the start and the end (a narrated stage opens with one). */
    static List<String> trimBlank(List<String> lines) {
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        return lines.subList(from, to);
    }

    private static final String PACKETS = "packet | (packets)";

    static String shape(String line) {
        String t = line.strip().replaceAll("\\s+", " ");
        if (t.equals(SKIP) || t.equals("...")) {
            return SKIP;
        }
        // Numbers, and bars whose length is a measured number, have no fixed shape.
        // (1,234.5 and 987.6 are the same shape: a thousands separator comes and goes with the value)
        String shape = NUMBER.matcher(t).replaceAll("#");
        // A state diagram marks the states this capture visited (#=====#, #  STATE  #): which ones,
        // is the run's, like its packets; the boxes and their names are the shape.
        shape = shape.replaceAll("#= (?:[cs]?# )+=*#", "+-+").replaceAll("#=+#", "+-+")
                .replaceAll("#( [A-Z][A-Z_#]* )#", "|$1|").replaceAll("\\+-{2,}\\+", "+-+");
        // A bar shorter than one cell is drawn as '.', so "|." and "|###" are the same shape.
        return shape.replaceAll("\\|\\.(?= )", "|#").replaceAll("[#█▉▊▋▌▍▎▏]{2,}", "#").replaceAll("#(,#)+", "#");
    }

    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(s);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }
}
