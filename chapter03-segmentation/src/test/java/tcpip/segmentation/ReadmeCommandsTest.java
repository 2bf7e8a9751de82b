package tcpip.segmentation;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.ListeningPorts;
import tcpip.testing.ReadmeCommands;

/** No stale docs: every command in this chapter's READMEs runs (see {@link ReadmeCommands}). */
class ReadmeCommandsTest {

    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyCommandInThisChaptersReadmeWorks() throws IOException {
        // README.ko.md shows the same commands: ReadmeCommands runs each one once
        return Stream.concat(ReadmeCommands.tests("chapter03-segmentation/README.md", ListeningPorts::of),
                ReadmeCommands.tests("chapter03-segmentation/README.ko.md", ListeningPorts::of));
    }
}
