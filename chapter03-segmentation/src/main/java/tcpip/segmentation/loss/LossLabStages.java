package tcpip.segmentation.loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;

/** The loss lab as tour stages (in a namespace of their own; where none can be made, each says once why). */
public final class LossLabStages {

    /** Small enough for a tour stage: the full lab uses 4 MiB per loss rate. */
    private static final long TOUR_BULK_BYTES = 1L << 20;

    private LossLabStages() {
    }

    /** One stage per experiment, named {@code loss-<experiment>}. */
    public static List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        for (Experiment e : Experiment.values()) {
            if (e != Experiment.ALL) {
                stages.add(new Stage("loss-" + e.label(), StageSupport.SECTION, Msg.get("LossLabStages.title", e.label()),
                        n -> run(e, n)));
            }
        }
        return List.copyOf(stages);
    }

    private static void run(Experiment e, Narrator n) throws Exception {
        Optional<String> missing = Netns.missing();
        if (missing.isPresent()) {
            n.notRun(missing.get());
            return;
        }
        try (Lab lab = Lab.open()) {
            e.run(lab, n, TOUR_BULK_BYTES);
        }
    }
}
