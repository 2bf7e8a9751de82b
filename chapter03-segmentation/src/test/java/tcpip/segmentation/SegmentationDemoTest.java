package tcpip.segmentation;

import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Sysctl;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.PacketCapture;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.segmentation.seqack.SeqAckStages;
import tcpip.testing.MainRunner;

/** The demo's stages run on their own and say what they should (the slow ones are tested elsewhere). */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(60)
class SegmentationDemoTest {

    private static String out;

    /** One run of the quick stages, shared by the checks below. */
    @BeforeAll
    static void runQuickStages() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
        List<Stage> quick = SegmentationDemo.stages().stream()
                .filter(s -> List.of("no-boundaries", "framing", "buffers", "mss").contains(s.name())).toList();
        Stages.run(quick, n, false);
        out = buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void hasItsStagesInOrderWithTheSeqAckStagesInTheMiddle() {
        List<String> expected = new ArrayList<>(List.of("no-boundaries", "framing", "buffers", "window", "nagle", "mss"));
        SeqAckStages.stages().forEach(s -> expected.add(s.name()));
        expected.add("throughput");
        assertThat(SegmentationDemo.stages()).extracting(Stage::name).containsExactlyElementsOf(expected);
        // In this JVM: the README's demo lines run --list in a JVM of their own (ReadmeCommandsTest)
        MainRunner.Result list = MainRunner.runHere(Duration.ofSeconds(20), SegmentationDemo.class, "--list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.stdout()).contains("no-boundaries").contains("throughput");
    }

    @Test
    void quickStagesTellTheStoryAndShowTheCoreLines() {
        assertThat(out).contains("ONE read() returned 100 bytes").contains("HELLOWORLD")
                .contains("client B got: ERROR").contains("client A got: frame 2").contains("line 3: three")
                .contains("code    | StreamCore.java [read-sizes]").contains("code    | LengthPrefixCore.java [serve-frames]");
        assertThat(out).as("every computed relation held").doesNotContain("does NOT match");
    }

    /** Issue 12 item 13: the reads of one 1 MiB write are the kernel's chunks, not our buffer's 8 KiB. */
    @Test
    void readSizesAreTheKernelsNotOurBuffers() {
        Matcher m = Pattern.compile("1048576 bytes in (\\d+) read\\(\\) calls \\(smallest (\\d+), largest (\\d+)\\)").matcher(out);
        assertThat(m.find()).as("the read-size line in:%n%s", out).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("reads of one 1 MiB write").isLessThan(128);
        assertThat(Integer.parseInt(m.group(3))).as("largest read: more than an 8 KiB buffer could return")
                .isGreaterThan(8 * 1024);
        assertThat(out).contains("2 MiB buffer").contains("<= rb: matches");
    }

    /** Issue 12 item 6: the buffers stage reads the live relation instead of "Java reports what was asked". */
    @Test
    void buffersStageShowsDoublingClampingAndTheMinimum() {
        assertThat(out).doesNotContain("what was asked for").contains("Java = kernel / 2")
                .contains("matches (clamped to wmem_max)").contains("raised to the kernel's built-in minimum");
    }

    /** Issue 12 items 7 and 8 as the demo prints them. */
    @Test
    void windowScaleAndMssAreComputedAndCompared() {
        assertThat(out).contains("our SYN's window scale (ss wscale)").contains("tcp_rmem[2]");
        if (PacketCapture.installed() && out.contains("SYN mss=")) {
            assertThat(out).containsPattern("SYN mss=\\d+: expected min\\(MTU \\d+, 65535\\) - 40 = \\d+: matches")
                    .containsPattern("advmss=\\d+: expected SYN mss \\d+")
                    .contains("half the peer's largest window");
            if (Sysctl.mtu("lo") >= 65_535) {
                assertThat(out).contains("SYN mss=65495");
            }
        }
    }
}
