package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.narration.SourceExcerpt;

/** Every lesson core keeps its marker pairs balanced and short, and every marker the narration prints exists. */
class CoreMarkersTest {

    /** The cores and the markers each must have, in article order. */
    static final Map<Class<?>, List<String>> CORES = Map.of(
            OrderlyClose.class, List.of("close-first", "await-fin", "close-second"),
            HalfClose.class, List.of("send", "half-close", "receive", "thank-you"),
            Linger.class, List.of("fill", "linger-close"),
            ClosedPeer.class, List.of("read-fin", "write-first", "write-after-rst", "close-unread"),
            ReuseAddress.class, List.of("close-first", "restart"));
    private static final int MAX_CORE_LINES = 90;

    @Test
    void everyCoreHasItsMarkersBalancedAndNonEmpty() {
        CORES.forEach((core, markers) -> {
            assertThat(SourceExcerpt.markers(core)).as(core.getSimpleName()).containsExactlyElementsOf(markers);
            markers.forEach(m -> assertThat(SourceExcerpt.lines(core, m)).as(core.getSimpleName() + " [" + m + "]")
                    .isNotEmpty().anyMatch(l -> l.contains("//")));
        });
    }

    @Test
    void coresStayShortAndMainFree() throws IOException {
        for (Class<?> core : CORES.keySet()) {
            List<String> lines = Files.readAllLines(Path.of(SourceExcerpt.path(core)));
            assertThat(lines).as(core.getSimpleName() + " is short").hasSizeLessThanOrEqualTo(MAX_CORE_LINES);
            assertThat(lines).as(core.getSimpleName() + " has no main").noneMatch(l -> l.contains("void main("));
        }
    }

    @Test
    void everyMarkerTheNarrationPrintsExists() throws IOException {
        Pattern call = Pattern.compile("\\.code\\((\\w+)\\.class, \"([a-z0-9-]+)\"\\)");
        for (String file : List.of("CloseDemo.java", "CloseStates.java")) {
            Matcher m = call.matcher(Files.readString(Path.of("src/main/java/tcpip/close", file)));
            int found = 0;
            while (m.find()) {
                found++;
                Class<?> core = CORES.keySet().stream().filter(c -> c.getSimpleName().equals(m.group(1))).findFirst()
                        .orElseThrow(() -> new AssertionError(file + " prints " + m.group(1) + ", which is not a core"));
                assertThat(CORES.get(core)).as(file + " prints " + m.group(0)).contains(m.group(2));
            }
            assertThat(found).as(file + " prints core lines").isPositive();
        }
    }
}
