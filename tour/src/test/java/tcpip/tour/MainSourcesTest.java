package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What you read is what runs, so it must be readable: every {@code src/main} Java file of every
 * module has at most {@value #MAX_LINES} lines (one job per file), and names the types it uses
 * by their simple names, imported at the top ({@code java.util.Map<…>} or
 * {@code tcpip.segmentation.Msg.get(…)} written in the code hides what a file depends on).
 * Imports, the package line, comments (Javadoc's {@code {@link}} too) and string literals do not count.
 */
class MainSourcesTest {

    static final int MAX_LINES = 400;

    /**
     * Files their owners are rewriting on other branches while this rule lands (issue 22). Each
     * owner fixes its files and takes their names out; the test fails on a name that no longer
     * needs to be here, so this list only shrinks. Module -> file names (any package of its src/main).
     */
    static final Map<String, Set<String>> NOT_YET = Map.of();

    /** A type named through its package: {@code java.util.Map}, {@code tcpip.kernel.KernelText}. */
    private static final Pattern QUALIFIED =
            Pattern.compile("\\b(?:java|javax|jdk|sun|com|org|tcpip)\\.(?:[a-z_]\\w*\\.)*[A-Z]\\w*");
    private static final Pattern IMPORT_OR_PACKAGE = Pattern.compile("\\s*(?:import|package)\\b.*");

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void everyMainSourceFileHasAtMost400Lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path file : mainSources()) {
            int lines = Files.readAllLines(file, StandardCharsets.UTF_8).size();
            if (lines > MAX_LINES && !waived(file)) {
                tooLong.add(relative(file) + ": " + lines + " lines");
            }
        }
        assertThat(tooLong).as("src/main files over %d lines: split each by job (see CONTRIBUTING.md, "
                + "'Where each kind of thing lives')", MAX_LINES).isEmpty();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void mainSourcesImportTheTypesTheyName() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path file : mainSources()) {
            if (!waived(file)) {
                qualifiedNames(Files.readString(file, StandardCharsets.UTF_8))
                        .forEach(hit -> found.add(relative(file) + ":" + hit));
            }
        }
        assertThat(found).as("fully-qualified type names in src/main code: import the type and write its simple name")
                .isEmpty();
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void theWaiverListNamesOnlyFilesThatStillBreakARule() throws IOException {
        Map<String, Set<String>> clean = new TreeMap<>();
        NOT_YET.forEach((module, names) -> clean.put(module, new TreeSet<>(names)));
        for (Path file : mainSources()) {
            String module = module(file);
            String name = file.getFileName().toString();
            if (clean.containsKey(module) && clean.get(module).contains(name)
                    && (Files.readAllLines(file, StandardCharsets.UTF_8).size() > MAX_LINES
                            || !qualifiedNames(Files.readString(file, StandardCharsets.UTF_8)).isEmpty())) {
                clean.get(module).remove(name);
            }
        }
        clean.values().removeIf(Set::isEmpty);
        assertThat(clean).as("MainSourcesTest.NOT_YET names files that are gone or now keep both rules: "
                + "take them out of the list").isEmpty();
    }

    @Test
    void theCheckSeesCodeButNotCommentsStringsOrImports() {
        String source = """
                package tcpip.demo;

                import java.util.Map;

                /** Uses {@link java.util.List} and tcpip.kernel.Segment in prose. */
                final class Demo {
                    // java.util.Set in a comment
                    String s = "java.util.Deque in a string \\" tcpip.x.Y";
                    String block = \"""
                            java.util.Queue in a text block
                            \""";
                    char c = '"';
                    java.util.Map<String, Long> bytes = new java.util.HashMap<>();
                    int n = tcpip.segmentation.Msg.get("x").length(); /* java.io.File */
                    Map<String, String> fine = Map.of();
                }
                """;
        assertThat(qualifiedNames(source)).containsExactly("13: java.util.Map", "13: java.util.HashMap",
                "14: tcpip.segmentation.Msg");
    }

    /** Every {@code <module>/src/main/java/**.java} of the checkout. */
    private static List<Path> mainSources() throws IOException {
        Path root = CourseTree.root();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).sorted().toList()) {
                Path main = module.resolve("src/main/java");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> all = Files.walk(main)) {
                        all.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
                    }
                }
            }
        }
        assertThat(files).as("src/main sources under %s", root).hasSizeGreaterThan(50);
        return files;
    }

    private static boolean waived(Path file) {
        return NOT_YET.getOrDefault(module(file), Set.of()).contains(file.getFileName().toString());
    }

    private static String module(Path file) {
        return CourseTree.root().relativize(file).getName(0).toString();
    }

    private static String relative(Path file) {
        return CourseTree.root().relativize(file).toString();
    }

    /** {@code "LINE: name"} for each qualified type name in the code of {@code source}. */
    static List<String> qualifiedNames(String source) {
        List<String> hits = new ArrayList<>();
        String[] lines = codeOnly(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (IMPORT_OR_PACKAGE.matcher(lines[i]).matches()) {
                continue;
            }
            Matcher m = QUALIFIED.matcher(lines[i]);
            while (m.find()) {
                hits.add((i + 1) + ": " + m.group());
            }
        }
        return hits;
    }

    /** {@code source} with comments, string and character literals and text blocks blanked (line breaks kept). */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            int end;
            if (source.startsWith("\"\"\"", i)) {
                end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && source.charAt(end - 1) == '\\') {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
            } else if (source.startsWith("//", i)) {
                end = source.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (source.startsWith("/*", i)) {
                end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                end = i + 1;
                while (end < n && source.charAt(end) != quote && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(n, end + 1);
            } else {
                out.append(source.charAt(i++));
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(source.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }
}
