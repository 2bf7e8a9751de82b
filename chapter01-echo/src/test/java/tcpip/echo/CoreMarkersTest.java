package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoCore;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.blocking.PlainEchoServer;
import tcpip.echo.nio.NioEchoClient;
import tcpip.echo.nio.NioEchoCore;
import tcpip.echo.nio.NioEchoServer;
import tcpip.echo.selector.SelectorEchoCore;
import tcpip.echo.selector.SelectorEchoServer;
import tcpip.testing.CoreContract;

/**
 * What you read is what runs: each core keeps the one core-file rule ({@link CoreContract}), every
 * core method is called by a program a learner runs, the demo quotes markers that exist in the
 * lesson's order, the one-screen server fits one screen, and the README leads with it.
 */
class CoreMarkersTest {

    static final List<Class<?>> CORES = List.of(EchoCore.class, NioEchoCore.class, SelectorEchoCore.class);
    /** Calvert and Donahoo's TCPEchoServer is 34 lines; ours, counted as a core is, at most this. */
    static final int MAX_ONE_SCREEN_LINES = 40;
    static final Pattern CODE_CALL = Pattern.compile("\\.code\\((\\w+)\\.class,\\s*\"([a-z0-9-]+)\"\\)");

    @Test
    void everyCoreKeepsTheCoreFileRule() {
        CORES.forEach(CoreContract::assertCoreFile);
    }

    @Test
    void theProgramsALearnerRunsCallEveryCoreMethod() {
        CoreContract.assertEveryCoreMethodRuns(EchoCore.class, PlainEchoServer.class, EchoServer.class, EchoClient.class);
        CoreContract.assertEveryCoreMethodRuns(NioEchoCore.class, NioEchoServer.class, NioEchoClient.class);
        CoreContract.assertEveryCoreMethodRuns(SelectorEchoCore.class, SelectorEchoServer.class);
    }

    @Test
    void theHardenedServersListenAndAcceptThroughTheirCore() {
        for (Class<?> server : List.of(EchoServer.class, NioEchoServer.class)) {
            Class<?> core = server == EchoServer.class ? EchoCore.class : NioEchoCore.class;
            String owner = core.getName().replace('.', '/');
            assertThat(CoreContract.reachableFromMain(server)).as("%s runs its core's listen and accept", server.getSimpleName())
                    .anyMatch(m -> m.startsWith(owner + ".listen(")).anyMatch(m -> m.startsWith(owner + ".accept("));
        }
    }

    @Test
    void everyMarkerTheDemoShowsExistsInTheLessonsOrder() {
        CoreContract.assertQuotedMarkersExist(List.of(EchoDemo.class), CORES);
        Set<String> shown = new LinkedHashSet<>();
        Matcher m = CODE_CALL.matcher(CoreContract.source(EchoDemo.class));
        while (m.find()) {
            shown.add(m.group(1) + "." + m.group(2));
        }
        assertThat(shown).as("the demo shows the echo lesson's steps in order").containsSubsequence(
                "EchoCore.listen", "EchoCore.connect", "EchoCore.accept", "EchoCore.send", "EchoCore.echo",
                "EchoCore.receive", "EchoCore.close");
        assertThat(shown).contains("SelectorEchoCore.echo");
    }

    @Test
    void theWholeBlockingServerFitsOneScreen() {
        assertThat(CoreContract.countedLines(CoreContract.source(PlainEchoServer.class)))
                .as("PlainEchoServer without package, imports and blank lines").isLessThanOrEqualTo(MAX_ONE_SCREEN_LINES);
    }

    @Test
    void theReadmeLinksTheOneScreenServerFirstThenTheCore() throws IOException {
        String text = Files.readString(Path.of("README.md"));
        int plain = text.indexOf("src/main/java/tcpip/echo/blocking/PlainEchoServer.java");
        int core = text.indexOf("src/main/java/tcpip/echo/blocking/EchoCore.java");
        int hardened = text.indexOf("src/main/java/tcpip/echo/blocking/EchoServer.java");
        int firstSource = text.indexOf("src/main/java/");
        assertThat(plain).as("README links PlainEchoServer.java").isPositive().isEqualTo(firstSource);
        assertThat(core).as("then the core it calls").isGreaterThan(plain);
        assertThat(hardened).as("and the hardened server beside it").isGreaterThan(plain);
    }
}
