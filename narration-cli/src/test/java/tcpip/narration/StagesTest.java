package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StagesTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** A two-stage demo, run in its own JVM like every chapter demo. */
    public static final class TwoStages {
        public static void main(String[] args) {
            Stages.main("TwoStages", "two stages", List.of(
                    new Stage("one", "Section A", "first", n -> n.note("one ran")),
                    new Stage("two", "Section B", "second", n -> n.note("two ran"))), args);
        }
    }

    @Test
    void waitsForEnterBetweenStages() {
        MainRunner.Result r = MainRunner.run(LIMIT, "\n", TwoStages.class);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).containsSubsequence("one ran", "[Enter] next stage: second", "two ran");
    }

    @Test
    void endOfInputNeverHangsAndNoPauseNeverAsks() {
        MainRunner.Result eof = MainRunner.run(LIMIT, null, TwoStages.class);
        assertThat(eof.exitCode()).isZero();
        assertThat(eof.stdout()).contains("two ran");
        MainRunner.Result straight = MainRunner.run(LIMIT, TwoStages.class, "--no-pause");
        assertThat(straight.stdout()).contains("two ran").doesNotContain("[Enter]");
    }

    @Test
    void listStageAndOnly() {
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--list").stdout())
                .contains("one  Section A: first").contains("two  Section B: second").doesNotContain("ran");
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--stage", "two").stdout())
                .contains("two ran").doesNotContain("one ran");
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--only", "one").stdout())
                .contains("one ran").doesNotContain("two ran");
    }

    @Test
    void helpAndBadArguments() {
        CliContract.assertHelpAndBadArguments(TwoStages.class, new String[] {"--stage", "three"},
                new String[] {"--only"});
    }
}
