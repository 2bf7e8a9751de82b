package tcpip.segmentation.seqack;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.Msg;

/** The loss lab as tour stages (in a namespace of their own; where none can be made, each says once why). */
public final class LossLabStages {

    private static final String SECTION = "데이터 송수신";
    /** Small enough for a tour stage: the full lab uses 4 MiB per loss rate. */
    private static final long TOUR_BULK_BYTES = 1L << 20;

    private LossLabStages() {
    }

    /** One stage per experiment, named {@code loss-<experiment>}. */
    public static List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        for (LossLab.Experiment e : LossLab.Experiment.values()) {
            if (e != LossLab.Experiment.ALL) {
                String name = e.name().toLowerCase().replace('_', '-');
                stages.add(new Stage("loss-" + name, SECTION, Msg.get("LossLabStages.title", name), n -> run(e, n)));
            }
        }
        return List.copyOf(stages);
    }

    private static void run(LossLab.Experiment e, Narrator n) throws Exception {
        Optional<String> missing = Netns.missing();
        if (missing.isPresent()) {
            n.notRun(missing.get());
            return;
        }
        try (Lab lab = Lab.open()) {
            LossLab.run(e, lab, n, TOUR_BULK_BYTES);
        }
    }
}
