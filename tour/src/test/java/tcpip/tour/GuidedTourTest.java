package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Lang;
import tcpip.narration.Stage;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

/**
 * The guided tour runs end to end and shows each stage's key fact from the live kernel. The whole-tour runs start
 * first and the short checks go on while they run; the check that reads the whole run comes last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuidedTourTest {

    @BeforeAll
    static void startTheTourRuns() {
        TourRun.start();
    }

    private static final Duration LIMIT = Duration.ofSeconds(150);

    @Test
    @Order(Integer.MAX_VALUE)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsEveryStageWithoutPausingAndShowsTheKernelsFacts() {
        MainRunner.Result r = TourRun.result(); // the same run the README excerpt test reads
        assertThat(r.exitCode()).as("tour exit code; stderr:%n%s", r.stderr()).isZero();
        String out = r.stdout();
        for (Stage s : TourRun.stages(Lang.EN)) {
            assertThat(out).as("stage %s announced", s.name()).contains("=== " + s.articleSection() + " (" + s.title() + ")");
        }
        assertThat(out).as("the kernel facts line, read from /proc/sys").containsPattern(
                "Kernel facts of your machine: kernel \\S+; tcp_syn_retries=\\d+").contains("tcp_rmem=[");
        assertThat(out).as("a descriptor number").containsPattern("fd \\d+ -> socket:\\[\\d+]");
        assertThat(out).as("ESTABLISHED").contains("ESTABLISHED");
        assertThat(out).as("a list of read sizes").containsPattern("\\d+ reads?");
        assertThat(out).as("Nagle medians").containsIgnoringCase("nagle").containsIgnoringCase("median");
        assertThat(out).as("the FIN makes read() return -1").contains("FIN").contains("-1");
        assertThat(out).as("TIME_WAIT with its timer").containsPattern("TIME_WAIT.*timer=TIME_WAIT\\(\\d+\\.\\d+s left\\)");
        assertThat(out).as("a reset connection").contains("Connection reset");
        assertThat(out).as("real loss: the dropped segment is sent again").contains("real loss in a namespace: drop-middle").containsPattern("SEQ \\d+:\\d+ was sent 2 times");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void listNamesEveryStageInTheArticlesOrder() {
        MainRunner.Result r = MainRunner.run(LIMIT, GuidedTour.class, "--list");
        assertThat(r.exitCode()).isZero();
        List<String> names = TourRun.stages(Lang.EN).stream().map(Stage::name).toList();
        assertThat(names.get(0)).isEqualTo("intro");
        assertThat(names).anyMatch(n -> n.startsWith("ch1-")).anyMatch(n -> n.startsWith("ch4-"));
        assertThat(r.stdout().lines().map(l -> l.split("\\s+")[0]).toList()).isEqualTo(names);
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void stageStartsAtTheNamedStage() {
        List<Stage> stages = TourRun.stages(Lang.EN);
        Stage last = stages.get(stages.size() - 1);
        MainRunner.Result r = MainRunner.run(LIMIT, GuidedTour.class, "--stage", last.name(), "--no-pause");
        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isZero();
        assertThat(r.stdout()).contains("=== " + last.articleSection() + " (" + last.title() + ")")
                .doesNotContain("(" + stages.get(0).title() + ")");
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void helpAndBadArguments() {
        CliContract.assertHelpAndBadArguments(GuidedTour.class, new String[] {"--stage", "no-such-stage"},
                new String[] {"--only"});
    }
}
