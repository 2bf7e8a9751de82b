package tcpip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.text.ParseException;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Properties;

/**
 * course-testing's sentences (the grader, the TODO hint, {@code ./homework}) in English and Korean:
 * {@code tcpip/testing/messages.properties} and {@code messages_ko.properties}. The same lookup and language
 * rule as kernel-view's {@code Bundle} (the system property {@code tcpip.lang}, else LC_ALL, LC_MESSAGES, LANG:
 * the first one set, Korean if it starts with ko), kept here because kernel-view's tests depend on this module
 * and the grader runs with this module's classes only. Both files are read once, when this class is first used:
 * the grader uses it before any graded JVM runs, so none can change the sentences it prints afterwards.
 */
public final class Msg {

    /** The system property that names the process's language, as kernel-view's {@code Bundle} reads it. */
    public static final String LANGUAGE_PROPERTY = "tcpip.lang";
    private static final Properties ENGLISH = load("messages.properties");
    private static final Properties KOREAN = load("messages_ko.properties");

    private Msg() {
    }

    /** True if the process speaks Korean now. */
    public static boolean korean() {
        String chosen = System.getProperty(LANGUAGE_PROPERTY);
        if (chosen != null && !chosen.isBlank()) {
            return chosen.trim().toLowerCase(Locale.ROOT).startsWith("ko");
        }
        for (String variable : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return value.trim().toLowerCase(Locale.ROOT).startsWith("ko");
            }
        }
        return false;
    }

    /** The sentence {@code key} in the process's language, every argument as plain data. */
    public static String get(String key, Object... args) {
        return get(korean(), key, args);
    }

    /** The sentence {@code key} in Korean ({@code true}) or English. */
    public static String get(boolean korean, String key, Object... args) {
        String pattern = pattern(korean, key);
        if (args.length == 0) {
            return pattern.replace("''", "'");
        }
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = String.valueOf(args[i]);
        }
        return new MessageFormat(pattern, korean ? Locale.KOREAN : Locale.ENGLISH).format(plain);
    }

    /**
     * {@code english}, an English sentence {@code key} built elsewhere (in a graded test JVM, which speaks English),
     * in Korean when {@code korean}; any other text unchanged.
     */
    public static String translate(boolean korean, String key, String english) {
        if (!korean) {
            return english;
        }
        try {
            Object[] args = new MessageFormat(pattern(false, key), Locale.ENGLISH).parse(english);
            String back = get(false, key, args);
            return back.equals(english) ? get(true, key, args) : english;
        } catch (ParseException e) {
            return english;
        }
    }

    /** Terminal columns of {@code text}: Hangul and other East Asian wide characters take two (kernel-view's TextWidth rule). */
    public static int columns(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int type = Character.getType(cp);
            boolean none = type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                    || type == Character.FORMAT || (cp >= 0x1160 && cp <= 0x11FF);
            boolean wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF && cp != 0x303F)
                    || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF)
                    || (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)
                    || (cp >= 0x1F300 && cp <= 0x1F64F) || (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
            width += none ? 0 : wide ? 2 : 1;
            i += Character.charCount(cp);
        }
        return width;
    }

    /** {@code text} followed by spaces up to {@code columns} display columns. */
    public static String padRight(String text, int columns) {
        return text + " ".repeat(Math.max(0, columns - columns(text)));
    }

    private static String pattern(boolean korean, String key) {
        String pattern = korean ? KOREAN.getProperty(key) : null;
        pattern = pattern != null ? pattern : ENGLISH.getProperty(key);
        if (pattern == null) {
            throw new MissingResourceException("no sentence " + key, Msg.class.getName(), key); // a bug: let it throw
        }
        return pattern;
    }

    private static Properties load(String name) {
        Properties p = new Properties();
        try (InputStream in = Msg.class.getResourceAsStream(name)) {
            if (in != null) {
                p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
