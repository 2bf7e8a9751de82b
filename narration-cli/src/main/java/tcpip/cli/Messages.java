package tcpip.cli;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * One module's sentences in English and Korean: a UTF-8 {@code .properties} bundle per language,
 * one key per whole sentence with {@code {0}}-style placeholders, so no code glues translated
 * fragments together. {@code Messages.of("tcpip.tour.messages").get("intro.facts", facts)}.
 */
public final class Messages {

    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final String baseName;

    private Messages(String baseName) {
        this.baseName = baseName;
    }

    /** The bundle {@code baseName} ({@code baseName.properties} English, {@code baseName_ko.properties} Korean). */
    public static Messages of(String baseName) {
        return new Messages(baseName);
    }

    /** The sentence for {@code key} in the current language, placeholders filled in. */
    public String get(String key, Object... args) {
        return get(Lang.current(), key, args);
    }

    /**
     * The sentence for {@code key} in the current language, every argument put in as
     * {@code String.valueOf(arg)}: numbers as the kernel writes them (port 7304, never
     * MessageFormat's "7,304"), no locale-dependent decimals (a caller formats what needs a format).
     */
    public String text(String key, Object... args) {
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = String.valueOf(args[i]);
        }
        return get(key, plain);
    }

    /** The sentence for {@code key} in {@code lang}; the English one if Korean lacks it. */
    public String get(Lang lang, String key, Object... args) {
        String pattern;
        try {
            pattern = bundle(lang).getString(key);
        } catch (MissingResourceException e) {
            pattern = bundle(Lang.EN).getString(key); // a missing English key is a bug: let it throw
        }
        return args.length == 0 ? pattern.replace("''", "'") : new MessageFormat(pattern, lang.locale()).format(args);
    }

    private ResourceBundle bundle(Lang lang) {
        // Root bundle = English; the Korean one is looked up without falling back to the JVM's locale.
        return lang == Lang.EN ? ResourceBundle.getBundle(baseName, Locale.ROOT, NO_FALLBACK)
                : ResourceBundle.getBundle(baseName, lang.locale(), NO_FALLBACK);
    }
}
