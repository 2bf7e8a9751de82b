package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The file server sends only regular files under its root: every way out is refused. */
class ServedFilesTest {

    @TempDir
    Path base;
    private Path root;
    private ServedFiles files;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(base.resolve("root"));
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inside.txt"), "in");
        Files.writeString(base.resolve("outside.txt"), "out");
        Files.createSymbolicLink(root.resolve("link-out"), base.resolve("outside.txt"));
        Files.createSymbolicLink(root.resolve("dir-out"), base);
        Files.createSymbolicLink(root.resolve("link-in"), root.resolve("sub/inside.txt"));
        files = new ServedFiles(root);
    }

    @Test
    void filesUnderTheRootAreServed() throws Exception {
        assertThat(files.resolve("sub/inside.txt")).isEqualTo(root.resolve("sub/inside.txt").toRealPath());
        assertThat(files.resolve("./sub/inside.txt")).isEqualTo(root.resolve("sub/inside.txt").toRealPath());
        assertThat(files.resolve("link-in")).as("a link that stays inside is fine")
                .isEqualTo(root.resolve("sub/inside.txt").toRealPath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.txt", "sub/../../outside.txt", "sub/../sub/inside.txt", ".."})
    void dotDotIsRefused(String name) {
        assertThatThrownBy(() -> files.resolve(name)).isInstanceOf(ServedFiles.RefusedException.class)
                .hasMessageContaining("'..'");
    }

    @Test
    void absolutePathsAreRefused() {
        assertThatThrownBy(() -> files.resolve("/etc/passwd")).isInstanceOf(ServedFiles.RefusedException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> files.resolve(base.resolve("outside.txt").toString()))
                .isInstanceOf(ServedFiles.RefusedException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"link-out", "dir-out/outside.txt"})
    void linksThatLeadOutAreRefused(String name) {
        assertThatThrownBy(() -> files.resolve(name)).isInstanceOf(ServedFiles.RefusedException.class)
                .hasMessageContaining("outside");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "missing.txt", "sub", "a\0b"})
    void emptyMissingDirectoriesAndBadNamesAreRefused(String name) {
        assertThatThrownBy(() -> files.resolve(name)).isInstanceOf(ServedFiles.RefusedException.class);
    }
}
