package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.narration.SourceExcerpt;

/**
 * The narration shows the real code: every {@code n.code(Core.class, "marker")} the demo makes
 * names a marker pair that exists, every core's markers are balanced, and each core stays short.
 */
class CoreMarkersTest {

    static final List<Class<?>> CORES = List.of(EchoCore.class, NioEchoCore.class, SelectorEchoCore.class);
    static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class,\\s*\"([a-z0-9-]+)\"\\)");
    /** A core is read top to bottom on one or two screens. */
    static final int MAX_CORE_LINES = 90;

    @Test
    void everyMarkerTheDemoShowsExists() throws IOException {
        Set<String> shown = new LinkedHashSet<>();
        Matcher m = CODE_CALL.matcher(source(EchoDemo.class));
        while (m.find()) {
            Class<?> core = CORES.stream().filter(c -> c.getSimpleName().equals(m.group(1))).findFirst()
                    .orElseThrow(() -> new AssertionError("EchoDemo shows code of an unknown core " + m.group(1)));
            assertThat(SourceExcerpt.markers(core)).as("markers of %s", core.getSimpleName()).contains(m.group(2));
            assertThat(SourceExcerpt.lines(core, m.group(2))).as("%s [%s]", core.getSimpleName(), m.group(2))
                    .isNotEmpty();
            shown.add(m.group(1) + "." + m.group(2));
        }
        assertThat(shown).as("the demo shows the echo lesson's steps in order").containsSubsequence(
                "EchoCore.listen", "EchoCore.connect", "EchoCore.accept", "EchoCore.send", "EchoCore.echo",
                "EchoCore.receive", "EchoCore.close");
        assertThat(shown).contains("SelectorEchoCore.echo");
    }

    @Test
    void everyCoreHasBalancedMarkersAndStaysShort() throws IOException {
        for (Class<?> core : CORES) {
            assertThat(SourceExcerpt.markers(core)).as("markers of %s", core.getSimpleName()).isNotEmpty();
            assertThat(source(core).lines().count()).as("lines of %s", SourceExcerpt.path(core))
                    .isLessThanOrEqualTo(MAX_CORE_LINES);
        }
    }

    @Test
    void theReadmeLinksTheCoreFirst() throws IOException {
        Path readme = Path.of("README.md");
        String text = Files.readString(readme);
        int core = text.indexOf(SourceExcerpt.path(EchoCore.class));
        assertThat(core).as("README links %s", SourceExcerpt.path(EchoCore.class)).isPositive();
        assertThat(core).as("the core is the first source file the README links")
                .isLessThan(text.indexOf("src/main/java/tcpip/echo/EchoServer.java") < 0 ? Integer.MAX_VALUE
                        : text.indexOf("src/main/java/tcpip/echo/EchoServer.java"));
    }

    private static String source(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream("/" + type.getName().replace('.', '/') + ".java")) {
            assertThat(in).as("source of %s on the classpath", type.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
