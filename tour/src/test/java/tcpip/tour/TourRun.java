package tcpip.tour;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import tcpip.cli.Lang;
import tcpip.narration.Stage;
import tcpip.testing.MainRunner;

/**
 * One run of the whole guided tour per language per test JVM, shared by the checks that read it:
 * the English run by the tour test (every stage's key fact), the Korean run ({@code --lang ko}) by
 * the Korean tour test, and both by the README excerpt test (a demo stage's excerpt, in README.md or
 * README.ko.md, is compared with the same stage in the run of its language instead of running the
 * stage again).
 *
 * <p>Cost: the first use starts BOTH runs at once, each in its own JVM. A tour spends most of its
 * wall time waiting for the kernel (timers, delayed ACKs, retransmissions) and uses about half a
 * core, so on two cores the Korean run adds its CPU time but little wall time to the build.
 */
final class TourRun {

    static final Duration LIMIT = Duration.ofSeconds(150);
    private static final Map<Lang, CompletableFuture<MainRunner.Result>> RUNS = new EnumMap<>(Lang.class);
    private static final Map<Lang, List<Stage>> STAGES = new EnumMap<>(Lang.class);
    private static final ExecutorService STARTER = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().factory());

    private TourRun() {
    }

    /** The English tour run with --no-pause, started (with the Korean one) on first use. */
    static MainRunner.Result result() {
        return result(Lang.EN);
    }

    /** The tour run in {@code lang} with --no-pause. */
    static MainRunner.Result result(Lang lang) {
        return start(lang).join();
    }

    /** Starts both runs (once per JVM) without waiting: a test that runs first can overlap its own work with them. */
    static void start() {
        start(Lang.EN);
    }

    /** The run in {@code lang}, started (with the other language's) if it was not, without waiting for it. */
    static CompletableFuture<MainRunner.Result> start(Lang lang) {
        CompletableFuture<MainRunner.Result> run;
        synchronized (TourRun.class) {
            if (RUNS.isEmpty()) {
                RUNS.put(Lang.EN, CompletableFuture.supplyAsync(
                        () -> MainRunner.run(LIMIT, GuidedTour.class, "--lang", "en", "--no-pause"), STARTER));
                RUNS.put(Lang.KO, CompletableFuture.supplyAsync(
                        () -> MainRunner.run(LIMIT, GuidedTour.class, "--lang", "ko", "--no-pause"), STARTER));
            }
            run = RUNS.get(lang);
        }
        return run;
    }

    /**
     * The tour's stages with their titles in {@code lang}: titles are built when the stage list
     * is, in the language in force then. Built once per language, then the test JVM is English again.
     */
    static synchronized List<Stage> stages(Lang lang) {
        return STAGES.computeIfAbsent(lang, l -> {
            Lang before = Lang.current();
            Lang.set(l);
            try {
                return GuidedTour.stages();
            } finally {
                Lang.set(before);
            }
        });
    }

    /** The narration's label column in {@code lang}, in display columns (see {@code Narrator.labelColumns()}). */
    static synchronized int labelColumns(Lang lang) {
        Lang before = Lang.current();
        Lang.set(lang);
        try {
            return tcpip.narration.Narrator.labelColumns();
        } finally {
            Lang.set(before);
        }
    }

    /** The header a stage's narration opens with. */
    static String header(Stage s) {
        return "=== " + s.articleSection() + " (" + s.title() + ") ===";
    }

    /** The lines the tour in {@code lang} printed for the stage whose header is {@code header}; empty if no stage has it. */
    static Optional<List<String>> stageOutput(Lang lang, String header) {
        List<Stage> stages = stages(lang);
        for (int i = 0; i < stages.size(); i++) {
            if (header(stages.get(i)).equals(header.strip())) {
                return Optional.of(stageOutput(lang, i));
            }
        }
        return Optional.empty();
    }

    /** The lines the tour in {@code lang} printed for its {@code index}-th stage, header first; empty if missing. */
    static List<String> stageOutput(Lang lang, int index) {
        List<Stage> stages = stages(lang);
        List<String> lines = result(lang).stdout().lines().toList();
        int from = lines.indexOf(header(stages.get(index)));
        if (from < 0) {
            return List.of();
        }
        String next = index + 1 < stages.size() ? header(stages.get(index + 1)) : null;
        List<String> out = new ArrayList<>();
        for (int k = from; k < lines.size() && !lines.get(k).equals(next); k++) {
            out.add(lines.get(k));
        }
        return out;
    }
}
