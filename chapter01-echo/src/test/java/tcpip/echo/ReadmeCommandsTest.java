package tcpip.echo;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.ListeningPorts;
import tcpip.testing.ReadmeCommands;

/**
 * No stale docs: every command in this chapter's READMEs runs (see {@link ReadmeCommands}), once: README.ko.md
 * must show the very commands of README.md, fence by fence.
 */
class ReadmeCommandsTest {

    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyCommandInThisChaptersReadmeWorks() throws IOException {
        return ReadmeCommands.testsWithKoreanTwin("chapter01-echo/README.md", ListeningPorts::of);
    }
}
