package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Lang;

/** Every README output excerpt still has the shape of what its program prints today. */
class ReadmeOutputTest {

    private static final Path ROOT = CourseTree.root();
    private static final int PARALLEL = 3;

    @TestFactory
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyExcerptMatchesAFreshRun() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofPlatform().daemon().factory());
        List<DynamicTest> tests = new ArrayList<>();
        List<CompletableFuture<List<String>>> runs = new ArrayList<>();
        for (Path readme : ReadmeOutput.readmes(ROOT)) {
            for (ReadmeOutput.Excerpt e : ReadmeOutput.excerpts(ROOT, readme)) {
                // A demo (or tour) stage run alone prints what the same stage printed in the tour's one run
                // in that language: compare with that instead of running the stage again.
                // It waits for that run without holding one of the pool's threads, so the excerpts that run on their
                // own (TimeWaitMyths waits 5 s for its FIN_WAIT2 timer) go on meanwhile instead of after the tour.
                String first = ReadmeOutput.trimBlank(e.lines()).stream().findFirst().orElse("");
                Optional<Lang> oneStage = oneStageLanguage(e);
                CompletableFuture<List<String>> out = oneStage.isPresent()
                        ? TourRun.start(oneStage.get()).thenApplyAsync(
                                r -> TourRun.stageOutput(oneStage.get(), first).orElseGet(() -> run(e)), pool)
                        : CompletableFuture.supplyAsync(() -> run(e), pool);
                runs.add(out);
                tests.add(DynamicTest.dynamicTest(e.where() + " " + e.main() + " " + String.join(" ", e.args()), () -> {
                    List<String> printed;
                    try {
                        printed = out.get(ReadmeOutput.RUN_LIMIT.toSeconds() * 3, TimeUnit.SECONDS);
                    } catch (ExecutionException ex) {
                        throw ex.getCause();
                    }
                    assertThat(ReadmeOutput.mismatch(e.lines(), printed))
                            .as("%s: regenerate with ./mvnw -q -pl tour -am compile exec:exec -Dmain=ReadmeOutput "
                                    + "-Dargs=\"--write\"; the program printed:%n%s", e.where(), String.join("\n", printed))
                            .isNull();
                }));
            }
        }
        // Not before the last run: a stage's lookup is handed to the pool only when its tour has finished.
        CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> pool.shutdown());
        return tests.stream();
    }

    /**
     * The language of an excerpt that is one stage of the tour: a {@code *Demo} or the tour itself with
     * {@code --only NAME} (one stage) and nothing else but {@code --no-pause} and {@code --lang}; in the language
     * {@code --lang} names, else its README's (README.ko.md: Korean, as {@link ReadmeOutput#run} runs it).
     * Empty for any other excerpt: it runs on its own.
     */
    static Optional<Lang> oneStageLanguage(ReadmeOutput.Excerpt e) {
        if (!e.main().endsWith("Demo") && !e.main().equals(GuidedTour.class.getSimpleName())) {
            return Optional.empty();
        }
        Lang lang = e.readme().getFileName().toString().endsWith(".ko.md") ? Lang.KO : Lang.EN;
        boolean only = false;
        List<String> a = e.args();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals("--only") && i + 1 < a.size() && !a.get(i + 1).contains(",")) {
                only = true;
                i++;
            } else if (a.get(i).equals("--lang") && i + 1 < a.size() && Lang.fromFlag(a.get(i + 1)) != null) {
                lang = Lang.fromFlag(a.get(++i));
            } else if (!a.get(i).equals("--no-pause")) {
                return Optional.empty();
            }
        }
        return only ? Optional.of(lang) : Optional.empty();
    }

    private static List<String> run(ReadmeOutput.Excerpt e) {
        try {
            return ReadmeOutput.run(ROOT, e);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void onlyAOneStageExcerptIsReadFromTheTourRunOfItsLanguage() {
        assertThat(oneStageLanguage(excerpt("README.md", "EchoDemo", "--only", "close", "--no-pause"))).contains(Lang.EN);
        assertThat(oneStageLanguage(excerpt("chapter01-echo/README.ko.md", "EchoDemo", "--only", "close", "--no-pause")))
                .contains(Lang.KO);
        assertThat(oneStageLanguage(excerpt("README.md", "GuidedTour", "--lang", "ko", "--only", "ch1-create", "--no-pause")))
                .contains(Lang.KO);
        assertThat(oneStageLanguage(excerpt("README.ko.md", "GuidedTour", "--lang", "en", "--only", "ch1-create")))
                .contains(Lang.EN);
        // several stages, a whole demo, other options and other mains run on their own
        assertThat(oneStageLanguage(excerpt("README.md", "EchoDemo", "--only", "close,connect", "--no-pause"))).isEmpty();
        assertThat(oneStageLanguage(excerpt("README.md", "EchoDemo", "--no-pause"))).isEmpty();
        assertThat(oneStageLanguage(excerpt("README.md", "EchoDemo", "--only", "close", "--plain"))).isEmpty();
        assertThat(oneStageLanguage(excerpt("README.md", "TimeWaitMyths"))).isEmpty();
        assertThat(oneStageLanguage(excerpt("README.md", "EchoServer", "--only", "close"))).isEmpty();
    }

    private static ReadmeOutput.Excerpt excerpt(String readme, String main, String... args) {
        return new ReadmeOutput.Excerpt(Path.of(readme), 0, "m", main, List.of(args), List.of());
    }

    @Test
    void shapeIgnoresNumbersAndSpacingButNotWords() {
        List<String> excerpt = List.of("  kernel  | fd 7 -> socket:[48213]", "…", "result | 3 reads of 65483 bytes");
        assertThat(ReadmeOutput.mismatch(excerpt, List.of("  kernel | fd 12 -> socket:[9]", "x", "y",
                "result | 10 reads of 131072 bytes"))).isNull();
        assertThat(ReadmeOutput.mismatch(excerpt, List.of("  kernel | fd 12 -> socket:[9]",
                "result | 10 writes of 131072 bytes"))).contains("is not in the output");
        assertThat(ReadmeOutput.mismatch(List.of("a 1"), List.of("a 1", "b 2"))).contains("more line");
        // a bar's length is a measurement; which segments a capture holds differs run to run, not whether it has any
        assertThat(ReadmeOutput.mismatch(List.of("result | 64 KiB |#### 1.2"), List.of("result | 64 KiB |########## 3.4")))
                .isNull();
        assertThat(ReadmeOutput.mismatch(List.of("result | 1,234.5 MiB/s"), List.of("result | 987.6 MiB/s")))
                .isNull();
        List<String> close = List.of("packet | 1 > 2 FIN+ACK seq=1", "packet | 2 > 1 ACK ack=2", "result | 3 segments");
        assertThat(ReadmeOutput.mismatch(close, List.of("packet | 1 > 2 DATA(5)+ACK seq=1:6", "packet | 1 > 2 FIN+ACK seq=6",
                "packet | 2 > 1 ACK ack=7", "result | 3 segments"))).isNull();
        assertThat(ReadmeOutput.mismatch(close, List.of("result | 3 segments"))).isNotNull();
        List<String> ladder = List.of("ladder | 2 packets", "0.000 |-- PSH+ACK seq=0 len=10 -->|", "44.0 |<-- ACK ack=10 --|", "end");
        assertThat(ReadmeOutput.mismatch(ladder, List.of("ladder | 3 packets", "0.000 |-- PSH+ACK seq=0 len=10 -->|",
                "44.0 |<-- ACK ack=10 --|", "45.1 FIN_WAIT1 |-- FIN+ACK seq=10 -->| CLOSE_WAIT", "end"))).isNull();
        // a state diagram marks the states this capture visited; the boxes and names must stay
        List<String> diagram = List.of("#=============#  +-------------+", "#  FIN_WAIT1  #  |  LAST_ACK   |",
                "#= c1 s2 ====#  +-------------+");
        assertThat(ReadmeOutput.mismatch(diagram, List.of("+-------------+  #=============#",
                "|  FIN_WAIT1  |  #  LAST_ACK   #", "+-------------+  #= s3 ========#"))).isNull();
        assertThat(ReadmeOutput.mismatch(diagram, List.of("+-------------+  #=============#",
                "|   CLOSING   |  #  LAST_ACK   #", "+-------------+  #= s3 ========#"))).isNotNull();
        // two server threads log in either order, but both lines must be there
        List<String> logs = List.of("server | client 1: 2 frames", "server | client 2: refused");
        assertThat(ReadmeOutput.mismatch(logs, logs.reversed())).isNull();
        assertThat(ReadmeOutput.mismatch(logs, List.of("server | client 2: refused"))).isNotNull();
    }
}
