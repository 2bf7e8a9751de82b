package tcpip.segmentation.loss;

import java.util.Locale;
import tcpip.narration.Narrator;

/** The loss lab's experiments, in the order {@code --experiment all} runs them; each lives in its own class. */
public enum Experiment {
    ALL(null),
    MSS((lab, n, bytes) -> MssExperiment.run(lab, n)),
    DROP_MIDDLE((lab, n, bytes) -> DropMiddle.run(lab, n)),
    DROP_LAST((lab, n, bytes) -> DropTail.last(lab, n)),
    DROP_LAST_TWO((lab, n, bytes) -> DropTail.lastTwo(lab, n)),
    DROP_REPEATED((lab, n, bytes) -> DropRepeated.run(lab, n)),
    SYN_DROP((lab, n, bytes) -> SynDrop.run(lab, n)),
    FINAL_ACK_DROP((lab, n, bytes) -> FinalAckDrop.run(lab, n)),
    RANDOM_LOSS(RandomLoss::run);

    /** One experiment's work in an open lab; {@code bulkBytes} is for the experiments that transfer in bulk. */
    interface Body {
        Object run(Lab lab, Narrator n, long bulkBytes) throws Exception;
    }

    private final Body body;

    Experiment(Body body) {
        this.body = body;
    }

    /** The name on the command line and in stage names: {@code drop-middle}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Runs this experiment in an open lab (not ALL: the caller runs each on its own). */
    Object run(Lab lab, Narrator n, long bulkBytes) throws Exception {
        if (body == null) {
            throw new IllegalArgumentException("run each experiment on its own");
        }
        return body.run(lab, n, bulkBytes);
    }
}
