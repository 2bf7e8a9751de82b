package tcpip.testing.grading;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure parts of the graded JVM's gates: which program an exercise may start (by name or from a system folder,
 * never a look-alike path), and which class bytes count as coming from a grader loader's own folder (the file's
 * exact bytes, nothing else). The gates themselves run in graded JVMs: {@code ./homework check} grades attack
 * fixtures that start another JVM or define classes at run time, and each must score 0.
 */
@Timeout(10)
final class JdkGatesTest {

    @Test
    void anAllowedProgramIsItsNameOrItsPathInASystemFolder() {
        Set<String> ss = Set.of("ss");
        assertThat(JdkGates.allowed("ss", ss)).isTrue();
        assertThat(JdkGates.allowed("/usr/bin/ss", ss)).isTrue();
        assertThat(JdkGates.allowed("/sbin/ss", ss)).isTrue();
        assertThat(JdkGates.allowed("./ss", ss)).as("a program of the exercise's folder").isFalse();
        assertThat(JdkGates.allowed("/tmp/ss", ss)).isFalse();
        assertThat(JdkGates.allowed("/usr/bin/../../tmp/ss", ss)).as("a path that climbs out").isFalse();
        assertThat(JdkGates.allowed("/usr/bin/ss/../java", ss)).isFalse();
        assertThat(JdkGates.allowed("ss2", ss)).isFalse();
        assertThat(JdkGates.allowed("java", ss)).isFalse();
        assertThat(JdkGates.allowed("ss", Set.of())).as("no program without mayRun").isFalse();
    }

    @Test
    void classBytesComeFromAFolderOnlyWhenTheyAreThatFilesBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p/A.class");
        Files.createDirectories(file.getParent());
        byte[] bytes = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 1, 2, 3};
        Files.write(file, bytes);
        assertThat(ClassWatch.sameAsFile(dir.toUri().toURL(), "p/A", bytes)).isTrue();
        assertThat(ClassWatch.sameAsFile(dir.toUri().toURL(), "p/A", new byte[] {1, 2, 3}))
                .as("other bytes under that file's name").isFalse();
        assertThat(ClassWatch.sameAsFile(dir.toUri().toURL(), "p/B", bytes)).as("a name with no file").isFalse();
    }
}
