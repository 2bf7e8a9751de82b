package tcpip.kernel;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * One module's sentences in English and Korean: {@code BASE.properties} (English, the root bundle) and
 * {@code BASE_ko.properties}, one key per whole sentence with {@code {n}} placeholders, so no code glues
 * translated pieces together. The one lookup behind every module's {@code Msg.get(key, args)}; it sits
 * in the lowest module so that kernel-view and socket-support speak the process's language too.
 *
 * <p>Arguments are data: each goes in as {@code String.valueOf(arg)}, so numbers read as the kernel
 * writes them (port 7304, never "7,304") and a caller formats what needs a format. The language is the
 * process's: {@code tcpip.cli.Lang} sets the system property {@link #LANGUAGE_PROPERTY}; without it the
 * locale environment decides (LC_ALL, LC_MESSAGES, LANG: the first one set, Korean if it starts with ko).
 */
public final class Bundle {

    /** The system property that names the language of the whole process: {@code en} or {@code ko}. */
    public static final String LANGUAGE_PROPERTY = "tcpip.lang";
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final String baseName;

    private Bundle(String baseName) {
        this.baseName = baseName;
    }

    /** The bundle {@code baseName}, e.g. {@code "tcpip.close.messages"}. */
    public static Bundle of(String baseName) {
        return new Bundle(baseName);
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
                return value.trim().toLowerCase(Locale.ROOT).startsWith("ko"); // the first one set decides
            }
        }
        return false;
    }

    /** The sentence {@code key} in the process's language, placeholders filled in with plain data. */
    public String get(String key, Object... args) {
        return get(korean(), key, args);
    }

    /** The sentence {@code key} in Korean ({@code true}) or English; the English one if Korean lacks it. */
    public String get(boolean korean, String key, Object... args) {
        String pattern;
        try {
            pattern = korean ? bundle(Locale.KOREAN).getString(key) : bundle(Locale.ROOT).getString(key);
        } catch (MissingResourceException e) {
            pattern = bundle(Locale.ROOT).getString(key); // a key missing in English is a bug: let it throw
        }
        if (args.length == 0) {
            return pattern.replace("''", "'");
        }
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = String.valueOf(args[i]);
        }
        return new MessageFormat(pattern, korean ? Locale.KOREAN : Locale.ENGLISH).format(plain);
    }

    private ResourceBundle bundle(Locale locale) {
        // Root bundle = English; the Korean one is looked up without falling back to the JVM's locale.
        return ResourceBundle.getBundle(baseName, locale, NO_FALLBACK);
    }
}
