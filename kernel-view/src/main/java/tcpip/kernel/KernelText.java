package tcpip.kernel;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The kernel view's sentences in English or Korean (bundle {@code tcpip/kernel/messages*.properties},
 * one key per sentence). The language is the process's choice: {@code tcpip.cli.Lang} sets the
 * system property {@code tcpip.lang}; without it the locale environment decides (LC_ALL, LC_MESSAGES,
 * LANG: the first one set, Korean if it starts with {@code ko}). Data (states, numbers, packets) is
 * never looked up here.
 */
public final class KernelText {

    /** The system property that names the language of the whole process: {@code en} or {@code ko}. */
    public static final String LANGUAGE_PROPERTY = "tcpip.lang";
    private static final String BUNDLE = "tcpip.kernel.messages";
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private KernelText() {
    }

    /** True if sentences are Korean now. */
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

    /** The sentence for {@code key} in the current language with its {@code {n}} placeholders filled in. */
    public static String get(String key, Object... args) {
        return get(korean(), key, args);
    }

    /** The sentence for {@code key} in Korean ({@code true}) or English; English if Korean lacks it. */
    public static String get(boolean korean, String key, Object... args) {
        return sentence(BUNDLE, korean, key, args);
    }

    /**
     * The sentence for {@code key} of bundle {@code bundle} (e.g. {@code "tcpip.net.messages"}) in the
     * process's language: for modules below narration-cli that have sentences of their own.
     */
    public static String sentence(String bundle, String key, Object... args) {
        return sentence(bundle, korean(), key, args);
    }

    private static String sentence(String bundle, boolean korean, String key, Object... args) {
        Locale locale = korean ? Locale.KOREAN : Locale.ENGLISH;
        String pattern;
        try {
            pattern = korean ? ResourceBundle.getBundle(bundle, Locale.KOREAN, NO_FALLBACK).getString(key)
                    : english(bundle, key);
        } catch (MissingResourceException e) {
            pattern = english(bundle, key); // a key missing in English is a bug: let it throw
        }
        return args.length == 0 ? pattern.replace("''", "'") : new MessageFormat(pattern, locale).format(args);
    }

    private static String english(String bundle, String key) {
        return ResourceBundle.getBundle(bundle, Locale.ROOT, NO_FALLBACK).getString(key);
    }
}
