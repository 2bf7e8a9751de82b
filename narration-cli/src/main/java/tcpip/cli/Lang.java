package tcpip.cli;

import java.util.Locale;

/**
 * The language programs speak: English or Korean, the article's language. Chosen by
 * {@code --lang en|ko}, else by {@code -Dtcpip.lang}, else by the locale environment
 * ({@code LC_ALL}, {@code LC_MESSAGES}, {@code LANG}, in POSIX order) starting with {@code ko}.
 * Kernel facts, packet lines, numbers and code are never translated. The choice is also written to
 * the system property {@code tcpip.lang}, which kernel-view ({@code KernelText}) and socket-support
 * read: they sit below this module and cannot ask it.
 */
public enum Lang {
    EN(Locale.ENGLISH), KO(Locale.KOREAN);

    private static volatile Lang current;

    private final Locale locale;

    Lang(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    /** The language in force: the one set by {@code --lang}, else the environment's. */
    public static Lang current() {
        Lang l = current;
        if (l == null) {
            set(fromEnvironment());
            l = current;
        }
        return l;
    }

    /** Sets the language for this process (what {@code --lang} does). */
    public static void set(Lang lang) {
        current = lang;
        // The modules below this one (kernel-view, socket-support) read the choice from here.
        System.setProperty(tcpip.kernel.KernelText.LANGUAGE_PROPERTY, lang == KO ? "ko" : "en");
        if (lang == KO) {
            utf8Streams();
        }
    }

    /**
     * Korean needs an output encoding that has Hangul. A JVM started under a locale the system
     * lacks (LANG=ko_KR.UTF-8 without that locale installed) writes ASCII and turns every Hangul
     * syllable into '?'; terminals that show Korean are UTF-8, so write UTF-8 then.
     */
    private static void utf8Streams() {
        if (!System.out.charset().newEncoder().canEncode('가')) {
            System.setOut(new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                    java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * Applies a {@code --lang X} (or {@code --lang=X}) found among a main's arguments, before
     * anything that prints or builds sentences runs; the rest of the parsing happens later.
     */
    public static Lang chooseFrom(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String v = args[i].startsWith("--lang=") ? args[i].substring(7)
                    : args[i].equals("--lang") && i + 1 < args.length ? args[i + 1] : null;
            if (v != null && parse(v) != null) {
                set(parse(v));
            }
        }
        return current();
    }

    /** {@code en} or {@code ko} (also {@code ko_KR.UTF-8}, {@code english} …); null if neither. */
    public static Lang parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("ko")) {
            return KO;
        }
        if (t.startsWith("en") || t.equals("c") || t.startsWith("c.") || t.equals("posix")) {
            return EN;
        }
        return null;
    }

    static Lang fromEnvironment() {
        String prop = System.getProperty("tcpip.lang");
        if (prop != null && parse(prop) != null) {
            return parse(prop);
        }
        for (String var : new String[] {"LC_ALL", "LC_MESSAGES", "LANG"}) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                return parse(v) == KO ? KO : EN; // the first one set decides, as in POSIX
            }
        }
        return EN;
    }
}
