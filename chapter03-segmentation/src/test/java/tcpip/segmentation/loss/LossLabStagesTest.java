package tcpip.segmentation.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.narration.Stage;
import tcpip.segmentation.seqack.SeqAckStages;

/** The lab's tour stages: one per experiment, named loss-EXPERIMENT; the SEQ/ACK stage keeps its name. */
class LossLabStagesTest {

    @Test
    void oneStagePerExperiment() {
        List<String> expected = Arrays.stream(Experiment.values()).filter(e -> e != Experiment.ALL)
                .map(e -> "loss-" + e.label()).toList();
        assertThat(LossLabStages.stages()).extracting(Stage::name).containsExactlyElementsOf(expected)
                .contains("loss-drop-middle", "loss-syn-drop", "loss-random-loss");
        assertThat(LossLabStages.stages()).allMatch(s -> s.articleSection().equals("데이터 송수신"));
        assertThat(SeqAckStages.stages()).extracting(Stage::name).containsExactly("seq-ack-model");
    }
}
