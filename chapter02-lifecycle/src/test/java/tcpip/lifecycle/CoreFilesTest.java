package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tcpip.testing.CoreContract;
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

    @Test
    void everyCoreKeepsTheCoreFileRule() {
        CORES.keySet().forEach(CoreContract::assertCoreFile);
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() {
        CORES.forEach((core, programs) -> CoreContract.assertEveryCoreMethodRuns(core, programs.toArray(Class<?>[]::new)));
    }

    @Test
    void everyMarkerTheNarrationPrintsExistsAndEveryCoreIsShown() {
        CoreContract.assertQuotedMarkersExist(NARRATED, CORES.keySet());
        String narration = NARRATED.stream().map(CoreContract::source).reduce("", String::concat);
        for (Class<?> core : CORES.keySet()) {
            assertThat(narration).as("the narration shows %s", core.getSimpleName())
                    .contains(".code(" + core.getSimpleName() + ".class");
        }
    }

    @Test
    void aMissingMarkerIsCaught() {
        assertThatThrownBy(() -> SourceExcerpt.lines(HandshakeCore.class, "no-such-marker"))
                .isInstanceOf(IllegalStateException.class);
    }
}
