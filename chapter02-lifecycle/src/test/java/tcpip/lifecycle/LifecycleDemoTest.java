package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SocketTable;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;

/** Each demo stage runs on its own, finishes in seconds and says what it claims; no claim is fixed text. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
class LifecycleDemoTest {

    /** A line each stage must print (with the kernel view available). */
    private static final Map<String, String> EXPECTED = Map.of(
            "creation", "new TCP descriptors: 0",
            "connect", "accept queue = 1",
            "handshake-in-kernel", "inode=0",
            "backlog-full-timeout", "Connect timed out",
            "refused", "Connection refused",
            "options-before-handshake", "Address already in use",
            "retry", "client connected from local port",
            "packets", "");

    static List<String> stageNames() {
        return LifecycleDemo.stages().stream().map(Stage::name).toList();
    }

    private static String run(String name) throws Exception {
        Stage stage = LifecycleDemo.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Stages.run(List.of(stage), new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)), false);
        return buffer.toString(StandardCharsets.UTF_8);
    }

    /** True when tcpdump may capture on lo here (root, or a private namespace): decided by what can capture. */
    private static boolean root() {
        return PacketCapture.possible();
    }

    @Test
    void stagesFollowTheArticleAndAreAllChecked() {
        assertThat(stageNames()).containsExactly("creation", "connect", "handshake-in-kernel", "backlog-full-timeout",
                "refused", "options-before-handshake", "retry", "packets");
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(stageNames());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stageNames")
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void stageRunsAloneAndShowsItsClaim(String name) throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        String out = run(name);
        assertThat(out).contains(EXPECTED.get(name)).contains("code    | ")
                .as("a computed relation failed:%n%s", out).doesNotContain("does NOT match");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void packetsStageChecksTheCapturedNumbersOrSaysWhyThereAreNone() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        String out = run("packets");
        if (PacketCapture.installed() && root()) {
            // tcpdump is here and may capture: an empty capture must fail, not pass quietly.
            assertThat(out).as(out).contains("packet  | ").contains("SYN+ACK ack").contains("= client ISN")
                    .contains("= server ISN").containsPattern("wscale \\d+ matches").doesNotContain("does NOT match");
        } else {
            assertThat(out).as(out).contains("packets not shown: ").doesNotContain("does NOT match");
        }
    }
}
