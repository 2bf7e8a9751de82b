package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.lifecycle.backlog.BacklogCore;
import tcpip.lifecycle.backlog.BacklogStages;
import tcpip.lifecycle.backlog.NonAcceptingServer;
import tcpip.lifecycle.creation.CreationCore;
import tcpip.lifecycle.creation.CreationStages;
import tcpip.lifecycle.creation.SocketCreationProbe;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.lifecycle.handshake.HandshakeServer;
import tcpip.lifecycle.handshake.HandshakeStages;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.lifecycle.options.EarlyOptionsServer;
import tcpip.lifecycle.options.OptionsCore;
import tcpip.lifecycle.options.OptionsStages;
import tcpip.lifecycle.refused.RefusedStages;
import tcpip.lifecycle.refused.ReservedPort;
import tcpip.lifecycle.refused.RetryCore;
import tcpip.lifecycle.refused.RetryingConnectClient;
import tcpip.narration.SourceExcerpt;

/**
 * What you read is what runs: each lesson's core is short, its markers balance, and every one of
 * its methods is called by a program a learner runs (not only by the demo or the tests); every
 * marker the narration prints exists.
 */
class CoreFilesTest {

    /** Each core and the programs a learner runs that call it (with the helper they call it through). */
    private static final Map<Class<?>, List<Class<?>>> CORES = Map.of(
            CreationCore.class, List.of(SocketCreationProbe.class),
            HandshakeCore.class, List.of(LateAcceptServer.class, LateAcceptClient.class, HandshakeServer.class,
                    HandshakeClient.class, EarlyOptionsServer.class),
            BacklogCore.class, List.of(NonAcceptingServer.class),
            OptionsCore.class, List.of(EarlyOptionsServer.class, BufferOptionsClient.class, ReservedPort.class),
            RetryCore.class, List.of(RetryingConnectClient.class));
    /** Everything that prints core lines with {@code n.code(Core.class, "marker")}. */
    private static final List<Class<?>> NARRATED = List.of(CreationStages.class, SocketCreationProbe.class,
            HandshakeStages.class, BacklogStages.class, RefusedStages.class, OptionsStages.class);
    /** A core a learner reads top to bottom on one screen: lines without package, imports and blanks. */
    private static final int CORE_MAX_LINES = 60;
    private static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class,\\s*\"([a-z0-9-]+)\"\\)");

    private static String source(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".java")) {
            assertThat(in).as("source of %s on the classpath", c.getSimpleName()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long codeLines(String source) {
        return source.lines().filter(l -> !l.isBlank() && !l.startsWith("package ") && !l.startsWith("import "))
                .count();
    }

    @Test
    void everyCoreIsShortHasBalancedMarkersAndNoMain() throws IOException {
        for (Class<?> core : CORES.keySet()) {
            String source = source(core);
            assertThat(SourceExcerpt.markers(core)).as("markers of %s", core.getSimpleName()).isNotEmpty();
            assertThat(codeLines(source)).as("lines of %s", core.getSimpleName()).isLessThanOrEqualTo(CORE_MAX_LINES);
            assertThat(source).as("%s has no main", core.getSimpleName()).doesNotContain("void main(");
        }
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() throws IOException {
        for (Map.Entry<Class<?>, List<Class<?>>> e : CORES.entrySet()) {
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
        List<String> used = new ArrayList<>();
        for (Class<?> narrated : NARRATED) {
            Matcher m = CODE_CALL.matcher(source(narrated));
            while (m.find()) {
                String name = m.group(1);
                Class<?> core = CORES.keySet().stream().filter(c -> c.getSimpleName().equals(name)).findFirst()
                        .orElseThrow(() -> new AssertionError(narrated.getSimpleName() + " prints " + name
                                + ", which is not a core"));
                assertThat(SourceExcerpt.markers(core)).as("%s prints %s [%s]", narrated.getSimpleName(), name,
                        m.group(2)).contains(m.group(2));
                assertThat(SourceExcerpt.lines(core, m.group(2))).isNotEmpty();
                used.add(name);
            }
        }
        assertThat(used).as("the narration shows every core")
                .containsAll(CORES.keySet().stream().map(Class::getSimpleName).toList());
    }

    @Test
    void aMissingMarkerIsCaught() {
        assertThatThrownBy(() -> SourceExcerpt.lines(HandshakeCore.class, "no-such-marker"))
                .isInstanceOf(IllegalStateException.class);
    }
}
