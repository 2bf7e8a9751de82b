package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The course's Korean glossary, {@code GLOSSARY.ko.md} at the checkout's root, as test data: every row of
 * its tables names a concept, the one Korean term for it, and the variants that term replaces
 * ({@code `literal`} or {@code `/regex/`} in the last column). A Korean bundle or Korean README that uses
 * a rejected variant fails, with the key or line, the variant and the term to use instead.
 */
public final class Glossary {

    /** The glossary's file name at the checkout's root. */
    public static final String FILE = "GLOSSARY.ko.md";
    private static final Pattern HANGUL = Pattern.compile("[가-힣]");
    /** A code excerpt's marker as the narrator prints it after the file name: {@code [half-close]}. */
    private static final Pattern EXCERPT_MARKER = Pattern.compile("\\w+\\.java \\[[a-z0-9-]+]");
    private static final Pattern QUOTED = Pattern.compile("`((?:[^`\\\\]|\\\\.)+)`");

    /** One rejected variant: what it matches, the concept and the term to write instead. */
    public record Rule(String concept, String term, String variant, Pattern pattern) {

        /** True if {@code text} uses this variant. */
        public boolean foundIn(String text) {
            return pattern.matcher(text).find();
        }
    }

    private Glossary() {
    }

    /** Every rule of the glossary at the checkout's root. */
    public static List<Rule> rules() {
        Path file = ReadmeCommands.root().resolve(FILE);
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the glossary " + file, e);
        }
    }

    /** The rules in a glossary's lines: each table row with four cells and quoted variants in the last. */
    static List<Rule> parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = cells(line);
            if (cells.size() != 4 || cells.get(0).startsWith("---")) {
                continue;
            }
            Matcher m = QUOTED.matcher(cells.get(3));
            while (m.find()) {
                String variant = m.group(1).replace("\\|", "|");
                Pattern p = variant.length() > 2 && variant.startsWith("/") && variant.endsWith("/")
                        ? Pattern.compile(variant.substring(1, variant.length() - 1), Pattern.MULTILINE)
                        : Pattern.compile(Pattern.quote(variant));
                rules.add(new Rule(cells.get(0), cells.get(1), variant, p));
            }
        }
        return rules;
    }

    private static List<String> cells(String line) {
        String t = line.strip();
        if (!t.startsWith("|") || !t.endsWith("|")) {
            return List.of();
        }
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        for (int i = 1; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '\\' && i + 1 < t.length() && t.charAt(i + 1) == '|') {
                cell.append("\\|");
                i++;
            } else if (c == '|') {
                cells.add(cell.toString().strip());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        return cells;
    }

    /** Checks every sentence of the Korean bundle {@code baseName} (e.g. {@code "tcpip.cli.messages"}). */
    public static void assertFollowed(String baseName) {
        String resource = baseName.replace('.', '/') + "_ko.properties";
        Properties ko = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("resource %s", resource).isNotNull();
            ko.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
        TreeMap<String, String> texts = new TreeMap<>();
        ko.stringPropertyNames().forEach(k -> texts.put(k, ko.getProperty(k)));
        assertThat(violations(texts)).as("Korean sentences of %s against %s", resource, FILE).isEmpty();
    }

    /**
     * Checks a Korean Markdown file (a {@code README.ko.md}): its prose and its Korean program output, not its
     * commands ({@code ```bash} fences) or an English run it quotes.
     */
    public static void assertFollowedIn(Path markdown) {
        List<String> lines;
        try {
            lines = Files.readAllLines(markdown, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(markdown.toString(), e);
        }
        TreeMap<String, String> texts = new TreeMap<>();
        boolean fence = false;
        boolean command = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                command = !fence && line.startsWith("```bash");
                fence = !fence;
                continue;
            }
            boolean marker = line.startsWith("<!--"); // an output marker names a program and its arguments: data
            if (!command && !marker && (!fence || HANGUL.matcher(line).find())) { // an English run quoted in a fence is not Korean
                // a code excerpt's header names its file and marker ("HalfCloseCore.java [half-close]"): data
                texts.put(String.format("%s:%04d", markdown.getFileName(), i + 1),
                        fence ? EXCERPT_MARKER.matcher(line).replaceAll("") : line);
            }
        }
        assertThat(violations(texts)).as("%s against %s", markdown, FILE).isEmpty();
    }

    /** For each text (by key) that uses a rejected variant: "key: 'variant' -> term (concept): text". */
    public static List<String> violations(Map<String, String> texts) {
        List<Rule> rules = rules();
        List<String> found = new ArrayList<>();
        texts.forEach((key, text) -> {
            for (Rule r : rules) {
                if (r.foundIn(text)) {
                    found.add(key + ": '" + r.variant() + "' -> " + r.term() + " (" + r.concept() + "): " + text);
                }
            }
        });
        return found;
    }
}
