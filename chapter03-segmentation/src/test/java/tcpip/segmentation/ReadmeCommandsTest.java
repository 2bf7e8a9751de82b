package tcpip.segmentation;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.ListeningPorts;
import tcpip.testing.ReadmeCommands;

/** No stale docs: every command in this chapter's README runs (see {@link ReadmeCommands}). */
class ReadmeCommandsTest {

    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyCommandInThisChaptersReadmeWorks() throws IOException {
        return ReadmeCommands.tests("chapter03-segmentation/README.md", ListeningPorts::of);
    }
}
