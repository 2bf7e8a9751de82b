package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client killed with SIGKILL (no shutdown hook) leaves its {@code .NAME.PID.RANDOM.part} file; the next
 * run to the same target removes it, and only it: a part file of a run still going, the target itself
 * and anything else in the directory stay.
 */
class LeftoverPartsTest {

    @Test
    void theNextRunRemovesOnlyTheLeftoversOfDeadRuns(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("notes.txt");
        Files.writeString(target, "the complete file of an earlier run");
        Path dead = Files.writeString(dir.resolve(".notes.txt.999999999.k3x9.part"), "half"); // above any pid_max
        Path alive = Files.writeString(dir.resolve(".notes.txt." + ProcessHandle.current().pid() + ".a1.part"), "half");
        Path other = Files.writeString(dir.resolve(".other.txt.999999999.k3x9.part"), "someone else's");
        Path lookalike = Files.writeString(dir.resolve(".notes.txt.999999999.part"), "not our pattern");

        Path part = HalfCloseFileClient.createPart(target);
        try {
            assertThat(dead).as("a dead run's part file").doesNotExist();
            assertThat(alive).as("a running download's part file").exists();
            assertThat(other).as("another target's part file").exists();
            assertThat(lookalike).as("a file that only looks like one").exists();
            assertThat(target).as("the existing file").hasContent("the complete file of an earlier run");
            assertThat(part.getFileName().toString()).startsWith(".notes.txt." + ProcessHandle.current().pid() + ".")
                    .endsWith(".part");
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
