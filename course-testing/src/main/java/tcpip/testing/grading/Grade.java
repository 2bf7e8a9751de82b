package tcpip.testing.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import tcpip.testing.Msg;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The grading process behind {@code ./homework grade} and {@code ./homework check}: it runs no submitted code itself.
 * Each exercise is graded in a JVM of its own ({@link ExerciseRun}, in a {@link Sandbox} where the OS allows); this
 * process collects each check's result as it ends, decides every score, prints the table and writes the JSON report
 * after the graded JVMs are gone. Exit status: 0 when every graded check passed, 1 when any failed or could not be
 * graded, 2 for a usage error (the {@code homework} script checks the command line first).
 */
public final class Grade {

    private Grade() {
    }

    /** The command line the {@code homework} script passes; see {@link #usage()}. */
    record Options(String mode, Path root, Path prepared, Path buildLog, List<String> modules, String exercise,
            Path extra, int limit, Path json, int jobs, boolean korean) {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("homework: " + e.getMessage() + "\n" + usage());
            System.exit(2);
            return;
        }
        int status;
        try {
            preloadOwnClasses();
            Msg.korean(); // reads both sentence files now, before any graded JVM runs
            status = grade(o, out);
        } catch (Exception e) {
            out.println(Msg.get("grade.failedToGrade", e));
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    static String usage() {
        return "usage: Grade grade|check --root DIR --prepared DIR --build-log FILE --module M [--module M]..."
                + " [--exercise X] [--extra DIR] [--time-limit S] [--json FILE] [--jobs N] [--lang en|ko]";
    }

    static Options parse(String[] args) {
        if (args.length == 0 || !(args[0].equals("grade") || args[0].equals("check"))) {
            throw new IllegalArgumentException("the first argument is grade or check");
        }
        Map<String, List<String>> opts = new TreeMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("unexpected '" + args[i] + "'");
            }
            opts.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        for (String name : List.of("root", "prepared", "build-log", "module")) {
            if (!opts.containsKey(name)) {
                throw new IllegalArgumentException("--" + name + " is missing");
            }
        }
        int limit = Integer.parseInt(one(opts, "time-limit", "60"));
        if (limit < 1) {
            throw new IllegalArgumentException("--time-limit needs a whole number of seconds");
        }
        String extra = one(opts, "extra", "");
        String lang = one(opts, "lang", "");
        if (!lang.isEmpty() && !lang.equals("en") && !lang.equals("ko")) {
            throw new IllegalArgumentException("--lang is en or ko");
        }
        if (!lang.isEmpty()) {
            System.setProperty(Msg.LANGUAGE_PROPERTY, lang); // the table's language; a graded JVM keeps speaking English
        }
        return new Options(args[0], Path.of(one(opts, "root", "")).toAbsolutePath(), Path.of(one(opts, "prepared", "")),
                Path.of(one(opts, "build-log", "")), opts.get("module"), one(opts, "exercise", ""),
                extra.isEmpty() ? null : Path.of(extra).toAbsolutePath(), limit,
                Path.of(one(opts, "json", "target/homework-grade.json")),
                Integer.parseInt(one(opts, "jobs", String.valueOf(Math.max(1, Math.min(2,
                        Runtime.getRuntime().availableProcessors()))))), Msg.korean());
    }

    private static String one(Map<String, List<String>> opts, String name, String otherwise) {
        List<String> v = opts.get(name);
        return v == null ? otherwise : v.get(v.size() - 1);
    }

    /**
     * Loads every class of this package now: a graded JVM could change a class file of the grader on disk (outside a
     * sandbox), and this process must not load such a file later.
     */
    static void preloadOwnClasses() throws IOException, ClassNotFoundException {
        Path here = Path.of(Grade.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        if (!Files.isDirectory(here)) {
            return;
        }
        try (Stream<Path> files = Files.walk(here.resolve("tcpip/testing"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = here.relativize(f).toString().replace(File.separatorChar, '.').replaceFirst("\\.class$", "");
                try {
                    Class.forName(name, false, Grade.class.getClassLoader());
                } catch (LinkageError e) {
                    // a class of the graded JVMs (it needs JUnit, which this process does not have): not used here
                }
            }
        }
    }

    /** The first Java whose graded JVMs can deny sun.misc.Unsafe's memory access (--sun-misc-unsafe-memory-access=deny). */
    static final int UNSAFE_DENIED = 23;

    static int grade(Options o, PrintStream out) throws Exception {
        boolean template = o.mode().equals("grade");
        Sandbox sandbox = Sandbox.probe();
        if (template && !sandbox.isolates() && hasSolutions(o.root())) {
            out.println(Msg.get(o.korean(), "grade.solutionsVisible", sandbox.whyNot()));
            return 1;
        }
        Path graderClasses = Path.of(Grade.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toAbsolutePath().normalize();
        Path gradingDir = Files.createTempDirectory("homework-grade-");
        Snapshot snapshot = new Snapshot(gradingDir.resolve("snapshot"));
        Files.createDirectories(snapshot.root());
        List<Path> hide = new ArrayList<>(List.of(o.root()));
        Path m2 = Path.of(System.getProperty("user.home"), ".m2");
        if (Files.isDirectory(m2) && !o.root().startsWith(m2)) {
            hide.add(m2);
        }
        out.print(Report.header(o.korean()));
        List<Verdict> verdicts = new ArrayList<>();
        List<Runnable> attackRuns = new ArrayList<>();
        List<String> attackFailures = new CopyOnWriteArrayList<>();
        try {
            Path agent = snapshot.agentJar(GradedRun.class);
            List<List<Verdict>> perModule = new ArrayList<>();
            List<Future<Verdict>> running = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(sandbox.isolates() ? o.jobs() : 1);
            try {
                for (String module : o.modules()) {
                    List<Exercise> exercises = Exercise.in(o.root().resolve(module)).stream()
                            .filter(e -> o.exercise().isEmpty() || e.name().equals(o.exercise())).toList();
                    Properties prepared = ModuleBuild.prepared(o.prepared(), module);
                    Sentence notBuilt = prepared == null ? Sentence.of("verdict.notCompiled", module) : null;
                    ModuleBuild build = null;
                    if (notBuilt == null) {
                        try {
                            build = ModuleBuild.of(prepared, snapshot, graderClasses, template, o.extra());
                        } catch (ModuleBuild.NotBuilt e) {
                            notBuilt = e.why();
                        } catch (IllegalStateException e) {
                            notBuilt = Sentence.of("build.failed", Text.clean(String.valueOf(e.getMessage()), 300));
                        }
                    }
                    if (!template && build != null && o.exercise().isEmpty()) {
                        ModuleBuild b = build;
                        Path java = Path.of(prepared.getProperty("java.home"), "bin", "java");
                        ExerciseRun.Plan plan = new ExerciseRun.Plan(module, b.pkg, "", b.appClassPath, agent,
                                List.of(b.answer), b.course, List.of(), flags(prepared));
                        attackRuns.add(() -> {
                            try {
                                attackFailures.addAll(Attacks.run(b, snapshot, plan, java, sandbox, hide, o.limit(), out,
                                        o.korean()));
                            } catch (IOException | InterruptedException e) {
                                attackFailures.add(Msg.get(o.korean(), "attacks.didNotRun", module, e));
                            }
                        });
                    }
                    for (Exercise e : exercises) {
                        if (notBuilt != null) {
                            running.add(CompletableFuture.completedFuture(
                                    Verdict.zero(e, "error", Sentence.of("verdict.notGraded", notBuilt), List.of())));
                            continue;
                        }
                        ModuleBuild b = build;
                        Path java = Path.of(prepared.getProperty("java.home"), "bin", "java");
                        ExerciseRun.Plan plan = new ExerciseRun.Plan(module, b.pkg, e.name(), b.appClassPath, agent,
                                List.of(b.answer), b.course, b.hiddenFor(e.name()), flags(prepared));
                        Path log = o.prepared().resolveSibling("logs").resolve(module + "-" + e.name() + ".log");
                        running.add(pool.submit(() -> {
                            ExerciseRun.Outcome outcome = ExerciseRun.run(plan, java, sandbox, snapshot, hide, o.limit(),
                                    !sandbox.isolates());
                            Files.createDirectories(log.getParent());
                            Files.writeString(log, outcome.output(), StandardCharsets.UTF_8); // at most 64 KiB
                            return Verdict.of(e, outcome, o.limit());
                        }));
                    }
                }
                for (Future<Verdict> f : running) {
                    Verdict v = f.get();
                    verdicts.add(v);
                    out.print(Report.lines(v, o.korean()));
                    if (v.why().args().stream().anyMatch(a -> a instanceof Sentence s && s.key().equals("verdict.notCompiled"))) {
                        printBuildErrors(o.buildLog(), v.exercise().module(), out);
                    }
                }
                // check: the grader's own attack fixtures, graded like a student's code, must all score 0
                List<Future<?>> attacking = new ArrayList<>();
                for (Runnable r : attackRuns) {
                    attacking.add(pool.submit(r));
                }
                for (Future<?> f : attacking) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            Snapshot.delete(gradingDir);
        }
        int earned = verdicts.stream().mapToInt(Verdict::earned).sum();
        int possible = verdicts.stream().mapToInt(v -> v.exercise().points()).sum();
        out.print(Report.total(earned, possible, o.korean()));
        Report.json(o.json(), verdicts);
        out.println(Msg.get(o.korean(), "grade.jsonReport", o.json()));
        if (!sandbox.isolates()) {
            out.println(Msg.get(o.korean(), "grade.noNamespaces", sandbox.whyNot()));
        }
        if (Runtime.version().feature() < UNSAFE_DENIED) { // the graded JVMs run on this process's JDK
            out.println(Msg.get(o.korean(), "grade.unsafeJdk", Runtime.version().feature(), UNSAFE_DENIED));
        }
        attackFailures.forEach(f -> out.println(Msg.get(o.korean(), "grade.failed", f)));
        boolean all = possible > 0 && verdicts.stream().allMatch(Verdict::full) && attackFailures.isEmpty();
        return all ? 0 : 1;
    }

    private static List<String> flags(Properties prepared) {
        return List.of(prepared.getProperty("jvm.flags", "").split("\\s+")).stream().filter(f -> !f.isBlank()).toList();
    }

    private static final Set<String> ERRORS_SHOWN = ConcurrentHashMap.newKeySet();

    private static void printBuildErrors(Path log, String module, PrintStream out) {
        if (!ERRORS_SHOWN.add(module) || !Files.isRegularFile(log)) {
            return;
        }
        try (Stream<String> lines = Files.lines(log)) {
            lines.filter(l -> l.matches("^\\[ERROR\\].*\\.java.*") && l.contains(module)).limit(5)
                    .forEach(l -> out.println("      " + Text.clean(l, 300)));
        } catch (IOException | UncheckedIOException e) {
            // no log to show
        }
    }

    private static boolean hasSolutions(Path root) throws IOException {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.anyMatch(m -> Files.isDirectory(m.resolve("src/homework/solution")));
        }
    }
}
