package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.narration.SourceExcerpt;

/** Narration shows real code: every marker a program prints exists, and every core's markers are balanced. */
class CoreExcerptTest {

    private static final List<Class<?>> CORES = List.of(CreationCore.class, HandshakeCore.class, BacklogCore.class,
            OptionsCore.class, RetryCore.class);
    private static final List<Class<?>> NARRATED = List.of(LifecycleDemo.class, SocketCreationProbe.class);
    private static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class,\\s*\"([a-z0-9-]+)\"\\)");
    private static final Map<String, Class<?>> BY_NAME = Map.of("CreationCore", CreationCore.class,
            "HandshakeCore", HandshakeCore.class, "BacklogCore", BacklogCore.class, "OptionsCore", OptionsCore.class,
            "RetryCore", RetryCore.class);
    /** "At most ~60 lines": a core a learner reads top to bottom on one screen. */
    private static final int CORE_MAX_LINES = 70;

    private static String source(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".java")) {
            assertThat(in).as("source of %s on the classpath", c.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyCoreHasBalancedMarkersAndIsShort() throws IOException {
        for (Class<?> core : CORES) {
            assertThat(SourceExcerpt.markers(core)).as("markers of %s", core.getSimpleName()).isNotEmpty();
            assertThat(source(core).lines().count()).as("lines of %s", core.getSimpleName()).isLessThanOrEqualTo(CORE_MAX_LINES);
            assertThat(source(core)).as("%s has no main", core.getSimpleName()).doesNotContain("void main(");
        }
    }

    @Test
    void everyMarkerTheNarrationPrintsExists() throws IOException {
        List<String> used = new ArrayList<>();
        for (Class<?> program : NARRATED) {
            Matcher m = CODE_CALL.matcher(source(program));
            while (m.find()) {
                Class<?> core = BY_NAME.get(m.group(1));
                assertThat(core).as("%s prints code of %s, which is not a core", program.getSimpleName(), m.group(1))
                        .isNotNull();
                assertThat(SourceExcerpt.markers(core)).as("%s uses %s [%s]", program.getSimpleName(), m.group(1),
                        m.group(2)).contains(m.group(2));
                assertThat(SourceExcerpt.lines(core, m.group(2))).isNotEmpty();
                used.add(m.group(1) + ":" + m.group(2));
            }
        }
        assertThat(used).as("the demo shows every core").anyMatch(u -> u.startsWith("CreationCore"))
                .anyMatch(u -> u.startsWith("HandshakeCore")).anyMatch(u -> u.startsWith("BacklogCore"))
                .anyMatch(u -> u.startsWith("OptionsCore")).anyMatch(u -> u.startsWith("RetryCore"));
    }

    @Test
    void aMissingMarkerIsCaught() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SourceExcerpt.lines(HandshakeCore.class, "no-such-marker"))
                .isInstanceOf(IllegalStateException.class);
    }
}
