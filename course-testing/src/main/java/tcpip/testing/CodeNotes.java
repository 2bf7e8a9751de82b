package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Korean explanation of every code excerpt: a source file with {@code // [marker]} lines (a lesson's
 * core) has {@code <Class>_ko.properties} beside its class (same package, in {@code src/main/resources}), one
 * Korean line per marker, which {@code Narrator.code} prints under {@code --lang ko}. The code and its English
 * comments stay as written; this file says the same in Korean.
 */
public final class CodeNotes {

    private static final Pattern MARKER = Pattern.compile("^\\s*//\\s*\\[([a-z0-9-]+)]\\s*$");
    private static final Pattern HANGUL = Pattern.compile("[가-힣]");

    private CodeNotes() {
    }

    /**
     * Checks the module the test runs in (the working directory): every marker of every source file has its
     * Korean note, no note is left for a marker that is gone, and every note is Korean and follows the glossary.
     */
    public static void assertEveryMarkerExplained() {
        Path module = Path.of("").toAbsolutePath();
        Map<String, String> notes = new TreeMap<>();
        for (Path source : sourcesWithMarkers(module.resolve("src/main/java"))) {
            Path relative = module.resolve("src/main/java").relativize(source);
            String name = relative.getFileName().toString().replace(".java", "_ko.properties");
            Path notesFile = module.resolve("src/main/resources").resolve(relative).resolveSibling(name);
            Set<String> markers = markers(source);
            assertThat(notesFile).as("the Korean notes of %s's markers %s", relative, markers).isRegularFile();
            Properties p = load(notesFile);
            assertThat(p.stringPropertyNames()).as("markers explained in %s", notesFile.getFileName())
                    .containsExactlyInAnyOrderElementsOf(markers);
            for (String marker : markers) {
                String note = p.getProperty(marker);
                assertThat(note).as("%s [%s] in Korean", relative, marker).containsPattern(HANGUL);
                notes.put(relative + " [" + marker + "]", note);
            }
        }
        assertThat(Glossary.violations(notes)).as("code notes against %s", Glossary.FILE).isEmpty();
    }

    /** The marker names a source file opens, in order. */
    static Set<String> markers(Path source) {
        Set<String> markers = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(source, StandardCharsets.UTF_8)) {
                Matcher m = MARKER.matcher(line);
                if (m.matches()) {
                    markers.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(source.toString(), e);
        }
        return markers;
    }

    private static List<Path> sourcesWithMarkers(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).filter(p -> !markers(p).isEmpty()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(root.toString(), e);
        }
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
        return p;
    }
}
