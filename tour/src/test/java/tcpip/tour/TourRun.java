package tcpip.tour;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.narration.Stage;
import tcpip.testing.MainRunner;

/**
 * One run of the whole guided tour per test JVM, shared by the checks that read it: the tour test
 * (every stage's key fact) and the README excerpt test (a demo stage's excerpt is compared with the
 * same stage in this run instead of running the stage again).
 */
final class TourRun {

    static final Duration LIMIT = Duration.ofSeconds(150);
    private static MainRunner.Result result;

    private TourRun() {
    }

    /** The tour run with --no-pause, started on first use. */
    static synchronized MainRunner.Result result() {
        if (result == null) {
            result = MainRunner.run(LIMIT, GuidedTour.class, "--no-pause");
        }
        return result;
    }

    /** The header a stage's narration opens with. */
    static String header(Stage s) {
        return "=== " + s.articleSection() + " (" + s.title() + ") ===";
    }

    /** The lines the tour printed for the stage whose header is {@code header}; empty if no stage has it. */
    static Optional<List<String>> stageOutput(String header) {
        List<Stage> stages = GuidedTour.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (!header(stages.get(i)).equals(header.strip())) {
                continue;
            }
            List<String> lines = result().stdout().lines().toList();
            int from = lines.indexOf(header.strip());
            if (from < 0) {
                return Optional.of(List.of());
            }
            String next = i + 1 < stages.size() ? header(stages.get(i + 1)) : null;
            List<String> out = new ArrayList<>();
            for (int k = from; k < lines.size() && !lines.get(k).equals(next); k++) {
                out.add(lines.get(k));
            }
            return Optional.of(out);
        }
        return Optional.empty();
    }
}
