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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.SocketTable;

/** Each demo stage runs on its own, finishes in seconds and says what it claims. */
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
        Stage stage = LifecycleDemo.stages().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Stages.run(List.of(stage), new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)), false);
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains(stage.articleSection()).contains(EXPECTED.get(name));
        if (name.equals("packets")) {
            // With tcpdump and permission: the handshake; otherwise: the command to see it.
            assertThat(out).containsAnyOf("= client ISN + 1", "tcpdump -i lo", "not the whole handshake");
        }
    }
}
