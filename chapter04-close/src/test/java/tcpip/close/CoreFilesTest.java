package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.close.halfclose.HalfCloseCore;
import tcpip.close.halfclose.HalfCloseFileClient;
import tcpip.close.halfclose.HalfCloseFileServer;
import tcpip.close.halfclose.HalfCloseStages;
import tcpip.close.orderly.CloseStates;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.close.orderly.OrderlyStages;
import tcpip.close.reset.ClosedPeerClient;
import tcpip.close.reset.ClosedPeerCore;
import tcpip.close.reset.ClosedPeerServer;
import tcpip.close.reset.LingerCore;
import tcpip.close.reset.LingerServer;
import tcpip.close.reset.ResetStages;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.close.timewait.TimeWaitRestartServer;
import tcpip.close.timewait.TimeWaitStages;
import tcpip.narration.SourceExcerpt;

/**
 * What you read is what runs: every lesson core keeps its marker pairs balanced and short, every
 * one of its methods is called by a program a learner runs (not only by the demo or the tests),
 * and every marker the narration prints exists.
 */
class CoreFilesTest {

    /** The cores and the markers each must have, in article order. */
    static final Map<Class<?>, List<String>> CORES = Map.of(
            OrderlyCloseCore.class, List.of("close-first", "await-fin", "close-second"),
            HalfCloseCore.class, List.of("send", "half-close", "receive", "thank-you"),
            LingerCore.class, List.of("fill", "linger-close"),
            ClosedPeerCore.class, List.of("read-fin", "write-first", "write-after-rst", "close-unread"),
            ReuseAddressCore.class, List.of("close-first", "restart"));
    /** Each core and the programs a learner runs that call it (with the helper they call it through). */
    private static final Map<Class<?>, List<Class<?>>> PROGRAMS = Map.of(
            OrderlyCloseCore.class, List.of(CloseFirstServer.class, CloseSecondClient.class, CloseStates.class),
            HalfCloseCore.class, List.of(HalfCloseFileServer.class, HalfCloseFileClient.class),
            LingerCore.class, List.of(LingerServer.class),
            ClosedPeerCore.class, List.of(ClosedPeerServer.class, ClosedPeerClient.class),
            ReuseAddressCore.class, List.of(TimeWaitRestartServer.class, CloseFirstServer.class,
                    HalfCloseFileServer.class));
    /** Everything that prints core lines with {@code n.code(Core.class, "marker")}. */
    private static final List<Class<?>> NARRATED = List.of(OrderlyStages.class, HalfCloseStages.class,
            ResetStages.class, TimeWaitStages.class, CloseStates.class);
    /** A core a learner reads top to bottom on one screen: lines without package, imports and blanks. */
    private static final int MAX_CORE_LINES = 60;
    private static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class, \"([a-z0-9-]+)\"\\)");

    private static String source(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".java")) {
            assertThat(in).as("source of %s on the classpath", c.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

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
            String source = source(core);
            long lines = source.lines().filter(l -> !l.isBlank() && !l.startsWith("package ") && !l.startsWith("import "))
                    .count();
            assertThat(lines).as(core.getSimpleName() + " is short").isLessThanOrEqualTo(MAX_CORE_LINES);
            assertThat(source).as(core.getSimpleName() + " has no main").doesNotContain("void main(");
            assertThat(core.getSimpleName()).as("a core is named like the other chapters' cores").endsWith("Core");
        }
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() throws IOException {
        assertThat(PROGRAMS.keySet()).isEqualTo(CORES.keySet());
        for (Map.Entry<Class<?>, List<Class<?>>> e : PROGRAMS.entrySet()) {
            String core = e.getKey().getSimpleName();
            StringBuilder programs = new StringBuilder();
            for (Class<?> program : e.getValue()) {
                programs.append(source(program));
            }
            List<String> methods = Arrays.stream(e.getKey().getDeclaredMethods())
                    .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                    .map(Method::getName).distinct().toList();
            assertThat(methods).as("public methods of %s", core).isNotEmpty();
            for (String method : methods) {
                assertThat(programs.toString()).as("%s.%s is called by one of %s", core, method, e.getValue())
                        .containsAnyOf(core + "." + method + "(", core + "::" + method);
            }
        }
    }

    @Test
    void everyMarkerTheNarrationPrintsExists() throws IOException {
        for (Class<?> narrated : NARRATED) {
            Matcher m = CODE_CALL.matcher(source(narrated));
            int found = 0;
            while (m.find()) {
                found++;
                String name = m.group(1);
                Class<?> core = CORES.keySet().stream().filter(c -> c.getSimpleName().equals(name)).findFirst()
                        .orElseThrow(() -> new AssertionError(narrated.getSimpleName() + " prints " + name
                                + ", which is not a core"));
                assertThat(CORES.get(core)).as(narrated.getSimpleName() + " prints " + m.group(0)).contains(m.group(2));
            }
            assertThat(found).as(narrated.getSimpleName() + " prints core lines").isPositive();
        }
    }
}
