package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.ListeningPorts;
import tcpip.testing.ReadmeCommand;
import tcpip.testing.ReadmeCommands;

/**
 * No stale docs: every command in this chapter's READMEs runs (see {@link ReadmeCommands}). README.ko.md
 * shows the very commands of README.md, fence by fence: they run once, from README.md, and
 * {@link #theKoreanReadmeShowsTheSameCommandsFenceByFence} fails the day one of them differs.
 */
class ReadmeCommandsTest {

    static final String README = "chapter02-lifecycle/README.md";
    static final String README_KO = "chapter02-lifecycle/README.ko.md";

    @TestFactory
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    Stream<DynamicTest> everyCommandInThisChaptersReadmeWorks() throws IOException {
        return ReadmeCommands.tests(README, ListeningPorts::of);
    }

    @Test
    void theKoreanReadmeShowsTheSameCommandsFenceByFence() throws IOException {
        List<String> english = commands(README);
        assertThat(english).as("commands of %s", README).isNotEmpty();
        assertThat(commands(README_KO)).as("%s must show the commands of %s, fence by fence (they run once, from %s;"
                + " a command only one of them has would never run)", README_KO, README, README).isEqualTo(english);
    }

    /** A README's commands as they run: fence number, kind (manual, background) and text; not their line numbers. */
    private static List<String> commands(String readme) throws IOException {
        Path file = ReadmeCommands.root().resolve(readme);
        return ReadmeCommand.parse(Path.of(readme), Files.readAllLines(file)).stream()
                .map(c -> "fence " + c.fence() + (c.manual() ? " manual" : "") + (c.background() ? " background" : "")
                        + ": " + c.text())
                .toList();
    }
}
