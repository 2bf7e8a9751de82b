package tcpip.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import tcpip.kernel.KernelText;

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
    private static boolean streamsChecked;

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
        System.setProperty(KernelText.LANGUAGE_PROPERTY, lang == KO ? "ko" : "en");
    }

    /**
     * Hangul (every stage header names the article's Korean section) and box drawing in any locale: when
     * standard output's character set cannot write them, it becomes UTF-8, which terminals that show Korean
     * use. With no locale at all (LANG unset, C, POSIX: nobody chose, and the JVM then writes ASCII, every
     * syllable a '?') that happens silently; a locale that names another character set (en_US.ISO-8859-1)
     * gets one line on stderr saying so and how to fix it. Called by {@link #chooseFrom}; once per process.
     */
    static synchronized void outputThatShowsHangul() {
        if (streamsChecked) {
            return;
        }
        streamsChecked = true;
        if (System.out.charset().newEncoder().canEncode("가─") && System.err.charset().newEncoder().canEncode("가")) {
            return;
        }
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8));
        String[] chosen = characterLocale();
        if (chosen != null && !chosen[1].toLowerCase(Locale.ROOT).replace("-", "").contains("utf8")) {
            System.err.println(Messages.of("tcpip.cli.messages").get("lang.charset", chosen[0] + "=" + chosen[1]));
        }
    }

    /**
     * The variable that sets the character set ({@code LC_ALL}, else {@code LC_CTYPE}, else {@code LANG})
     * and its value, or null when none is set or it is C or POSIX: the default nobody chose.
     */
    static String[] characterLocale() {
        for (String var : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = System.getenv(var);
            if (v != null && !v.isBlank()) {
                String t = v.trim();
                return t.equals("C") || t.equals("POSIX") ? null : new String[] {var, t};
            }
        }
        return null;
    }

    /**
     * Applies a {@code --lang X} (or {@code --lang=X}) found among a main's arguments, before
     * anything that prints or builds sentences runs; the rest of the parsing happens later.
     */
    public static Lang chooseFrom(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String v = args[i].startsWith("--lang=") ? args[i].substring(7)
                    : args[i].equals("--lang") && i + 1 < args.length ? args[i + 1] : null;
            if (v != null && fromFlag(v) != null) {
                set(fromFlag(v)); // anything else is left to Cli, which refuses it with one line
            }
        }
        outputThatShowsHangul();
        return current();
    }

    /**
     * The value of {@code --lang}: {@code en} or {@code ko}, in any case, and nothing else
     * ({@code en-US}, {@code korean} and the empty string are null): the flag has two spellings.
     */
    public static Lang fromFlag(String s) {
        if (s == null || s.length() != 2 || !Values.ascii(s)) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "en" -> EN;
            case "ko" -> KO;
            default -> null;
        };
    }

    /** A locale's language, {@code en} or {@code ko} (also {@code ko_KR.UTF-8}, {@code english} …); null if neither. */
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
