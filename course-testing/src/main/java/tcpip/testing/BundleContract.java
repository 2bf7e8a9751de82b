package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A module's sentences exist in both languages: the same keys in {@code NAME.properties} and
 * {@code NAME_ko.properties}, the same {@code {n}} placeholders in each pair, and Hangul in every
 * Korean sentence (an English sentence pasted into the Korean file is caught).
 */
public final class BundleContract {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)[^}]*}");
    /** Narrated texts that are data, the same in both languages: no Hangul is expected in them. */
    private static final List<Pattern> DATA_TEXTS = List.of(
            Pattern.compile("\\w+\\.java \\[[\\w-]+]"), // a code excerpt's header: EchoCore.java [echo]
            Pattern.compile("\\d+ > \\d+ .*"), // a tcpdump segment: 35118 > 34953 SYN ...
            Pattern.compile("\\S+:(\\d+|\\*)\\s+-> \\S+\\s+[A-Z_0-9]+\\s.*"), // a /proc/net/tcp* row
            Pattern.compile("fd \\d+ -> socket:\\[\\d+].*"), // a descriptor in /proc/self/fd
            Pattern.compile("(new )?[\\w.]+\\(\\)")); // the call itself: new Socket()

    private BundleContract() {
    }

    /** Checks the bundle {@code baseName} (e.g. {@code "tcpip.cli.messages"}) on the test classpath. */
    public static void assertComplete(String baseName) {
        Properties en = load(baseName.replace('.', '/') + ".properties");
        Properties ko = load(baseName.replace('.', '/') + "_ko.properties");
        assertThat(new TreeSet<>(ko.stringPropertyNames())).as("keys of %s_ko", baseName)
                .isEqualTo(new TreeSet<>(en.stringPropertyNames()));
        for (String key : en.stringPropertyNames()) {
            assertThat(placeholders(ko.getProperty(key))).as("placeholders of %s in %s_ko", key, baseName)
                    .isEqualTo(placeholders(en.getProperty(key)));
            assertThat(ko.getProperty(key)).as("%s in %s_ko is Korean", key, baseName).containsPattern("[가-힣]");
            assertKeepsPlaceholders(baseName, key, en.getProperty(key), Locale.ENGLISH);
            assertKeepsPlaceholders(baseName + "_ko", key, ko.getProperty(key), Locale.KOREAN);
        }
    }

    /**
     * A lone apostrophe in a MessageFormat pattern starts a quote and swallows the placeholders after it:
     * formatted as kernel-view's Bundle formats it (MessageFormat with the arguments as strings; no arguments,
     * {@code ''} made {@code '}), every placeholder shows its argument and no doubled apostrophe is left.
     */
    private static void assertKeepsPlaceholders(String bundle, String key, String pattern, Locale locale) {
        List<String> args = new ArrayList<>();
        for (String n : placeholders(pattern)) {
            while (args.size() <= Integer.parseInt(n)) {
                args.add("<" + args.size() + ">");
            }
        }
        String text = args.isEmpty() ? pattern.replace("''", "'")
                : new MessageFormat(pattern, locale).format(args.toArray());
        for (String n : placeholders(pattern)) {
            assertThat(text).as("%s in %s: a lone ' before a placeholder hides it", key, bundle).contains("<" + n + ">");
        }
        assertThat(text).as("%s in %s, formatted", key, bundle).doesNotContain("''");
    }

    private static Set<String> placeholders(String s) {
        Set<String> out = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(s);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static Properties load(String resource) {
        Properties p = new Properties();
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as("resource %s", resource).isNotNull();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot read " + resource, e);
        }
        return p;
    }

    /**
     * Whether the text after a narration label is data (a code excerpt's header, a packet, a kernel row, a
     * descriptor, a bare call), which stays the same in Korean: the one rule every chapter's Korean test uses.
     */
    public static boolean isData(String narratedText) {
        String text = narratedText.strip();
        return DATA_TEXTS.stream().anyMatch(p -> p.matcher(text).matches());
    }
}
