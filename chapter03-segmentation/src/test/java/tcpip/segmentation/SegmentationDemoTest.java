package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.testing.MainRunner;

/** The demo's stages run on their own and say what they should (the slow ones are tested elsewhere). */
@Timeout(60)
class SegmentationDemoTest {

    @Test
    void hasTheEightStagesInOrder() {
        assertThat(SegmentationDemo.stages()).extracting(Stage::name).containsExactly("no-boundaries", "framing",
                "buffers", "window", "nagle", "mss", "seq-ack-model", "throughput");
        MainRunner.Result list = MainRunner.run(Duration.ofSeconds(20), SegmentationDemo.class, "--list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout()).contains("seq-ack-model").contains("throughput");
    }

    @Test
    void quickStagesRunAndTellTheStory() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<Stage> quick = SegmentationDemo.stages().stream()
                .filter(s -> List.of("no-boundaries", "framing", "buffers", "mss", "seq-ack-model").contains(s.name()))
                .toList();
        Stages.run(quick, n, false);
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("ONE read() returned 100 bytes").contains("HELLOWORLD")
                .contains("client B got: ERROR").contains("client A got: frame 2")
                .contains("line 3: three").contains("THIS IS A MODEL").contains("+1 for the FIN");
    }
}
