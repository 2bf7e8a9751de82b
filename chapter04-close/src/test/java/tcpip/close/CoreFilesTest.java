package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tcpip.testing.CoreContract;
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

    @Test
    void everyCoreKeepsTheCoreFileRuleWithItsMarkersInArticleOrder() {
        CORES.forEach((core, markers) -> {
            CoreContract.assertCoreFile(core);
            assertThat(SourceExcerpt.markers(core)).as(core.getSimpleName()).containsExactlyElementsOf(markers);
            assertThat(core.getSimpleName()).as("a core is named like the other chapters' cores").endsWith("Core");
        });
    }

    @Test
    void everyCoreMethodIsCalledByAProgramALearnerRuns() {
        assertThat(PROGRAMS.keySet()).isEqualTo(CORES.keySet());
        PROGRAMS.forEach((core, programs) -> CoreContract.assertEveryCoreMethodRuns(core, programs.toArray(Class<?>[]::new)));
    }

    @Test
    void everyMarkerTheNarrationPrintsExists() {
        CoreContract.assertQuotedMarkersExist(NARRATED, CORES.keySet());
        for (Class<?> narrated : NARRATED) {
            assertThat(CoreContract.source(narrated)).as(narrated.getSimpleName() + " prints core lines").contains(".code(");
        }
    }
}
