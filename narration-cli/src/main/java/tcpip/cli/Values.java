package tcpip.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each kind of option value is written on a command line, read and written back: whole
 * numbers, byte sizes, durations, IP addresses, paths, text, choices and the language. Every
 * reader is strict (one spelling per value, ASCII digits, no empty string, no control characters, nothing
 * the command line's encoding could not have carried)
 * and fails with a sentence that repeats the value only through {@link ShownValue}, so the error
 * stays one line whatever was typed.
 */
public final class Values {

    /** Longest time any flag accepts unless it says otherwise (a socket timeout is an int of ms). */
    public static final Duration MAX_DURATION = Duration.ofHours(24);
    /** What {@code --lang} accepts, in any case: nothing else (not {@code en-US}, not {@code korean}). */
    public static final String LANGUAGES = "en|ko";

    private static final Messages MSG = Messages.of("tcpip.cli.messages");
    private static final Pattern WHOLE = Pattern.compile("-?[0-9]+");
    // CASE_INSENSITIVE without UNICODE_CASE: ASCII letters only (no Kelvin sign for k, no dotless i for I)
    private static final Pattern SIZE = Pattern.compile("([0-9]+)(?:([KMG])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION =
            Pattern.compile("([0-9]{1,9})(?:\\.([0-9]{1,3}))?(ms|s|m|h)", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
    /**
     * How the JVM decoded the command line (sun.jnu.encoding): bytes that were not valid in it became U+FFFD,
     * so a value with U+FFFD, or one this charset cannot encode back, is not what was typed.
     */
    private static final Charset ARG_CHARSET = argCharset();
    /** More digits than any long holds: such a number is out of every range. */
    private static final int LONG_DIGITS = 18;

    private Values() {
    }

    /** A whole number in {@code [min, max]}; {@code _} may group digits ({@code 1_000}). */
    public static Function<String, Integer> wholeNumber(int min, int max) {
        return s -> {
            String t = s.replace("_", "");
            if (!WHOLE.matcher(t).matches()) {
                throw bad("cli.expects.number", ShownValue.of(s));
            }
            long v = saturated(t);
            if (v < min || v > max) {
                throw bad("cli.range", String.valueOf(min), String.valueOf(max), shownNumber(v, s));
            }
            return (int) v;
        };
    }

    /** A byte count in {@code [min, max]}: {@code 1048576}, {@code 64K}, {@code 1M}, {@code 1MiB}, {@code 2G}. */
    public static Function<String, Long> size(long min, long max) {
        return s -> {
            long v = size(s);
            if (v < min || v > max) {
                throw bad("cli.range.bytes", String.valueOf(min), String.valueOf(max), shownNumber(v, s));
            }
            return v;
        };
    }

    /**
     * Reads {@code 64K}, {@code 1M}, {@code 1MiB}, {@code 2G} or a plain byte count (units are
     * powers of 1024); a count too large for a long reads as {@link Long#MAX_VALUE}.
     */
    public static long size(String s) {
        Matcher m = SIZE.matcher(s.replace("_", ""));
        if (!m.matches()) {
            throw bad("cli.expects.size", ShownValue.of(s));
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            default -> 1L << 30;
        };
        long count = saturated(m.group(1));
        return count > Long.MAX_VALUE / unit ? Long.MAX_VALUE : count * unit;
    }

    /** A duration with a unit in {@code [min, max]} (give min 0 where 0 means "none"). */
    public static Function<String, Duration> duration(Duration min, Duration max) {
        return s -> {
            Duration d = duration(s);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw bad("cli.range.time", show(min), show(max), ShownValue.of(s));
            }
            return d;
        };
    }

    /**
     * Reads {@code 250ms}, {@code 30s}, {@code 1.5s}, {@code 2m}, {@code 1h}. Strict: a unit is
     * required, only these four units exist ({@code 2d} is an error, not 2 seconds), and a value
     * too large to be a timeout is an error, not an overflow.
     */
    public static Duration duration(String s) {
        Matcher m = DURATION.matcher(s);
        if (!m.matches() || (m.group(2) != null && m.group(3).equalsIgnoreCase("ms"))) {
            throw bad("cli.expects.time", ShownValue.of(s));
        }
        long whole = Long.parseLong(m.group(1));
        long unitMs = switch (m.group(3).toLowerCase(Locale.ROOT)) {
            case "ms" -> 1;
            case "s" -> 1_000;
            case "m" -> 60_000;
            default -> 3_600_000;
        };
        long fractionMs = 0;
        if (m.group(2) != null) {
            String f = (m.group(2) + "00").substring(0, 3); // thousandths of the unit
            fractionMs = Long.parseLong(f) * unitMs / 1_000;
        }
        return Duration.ofMillis(whole * unitMs + fractionMs); // at most 999,999,999 h: no overflow
    }

    /**
     * An address: an IP literal ({@code 127.0.0.1}, {@code ::1}, {@code [::1]}) or {@code localhost}.
     * Anything else (a typo, a host name) is a usage error at once, instead of a wait for a DNS look-up.
     */
    public static String address(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (ascii(t) && t.equalsIgnoreCase("localhost") || IPV4.matcher(t).matches()) {
            return t;
        }
        if (IPV6.matcher(t).matches()) {
            try {
                InetAddress.getByName(t); // a literal: parsed locally, no DNS
                return t;
            } catch (UnknownHostException e) {
                // falls through to the error below
            }
        }
        throw bad("cli.expects.address", ShownValue.of(s));
    }

    /**
     * Text such as a message or a stage name: not empty, no control characters (newline, tab, NUL…)
     * and no invisible format characters (a right-to-left override, a zero-width space), which would
     * make a file name or a logged value read differently from what it is.
     */
    public static String text(String s) {
        if (s.isEmpty()) {
            throw bad("cli.empty");
        }
        if (s.codePoints().anyMatch(Values::unseen)) {
            throw bad("cli.control", ShownValue.of(s));
        }
        if (s.indexOf('\uFFFD') >= 0 || !ARG_CHARSET.newEncoder().canEncode(s)) {
            throw bad("cli.encoding", ShownValue.of(s));
        }
        return s;
    }

    /**
     * A control, format, line or paragraph separator (U+2028, U+2029) character, or half a surrogate pair:
     * each would split a line or hide what the value is.
     */
    private static boolean unseen(int c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }

    /** A path to a file or a directory: not empty, no control or format characters. */
    public static Path path(String s) {
        text(s);
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw bad("cli.expects.path", ShownValue.of(s));
        }
    }

    /** A path to a file: as {@link #path}, and not {@code /}, {@code .}, {@code ..} or anything ending in {@code /}. */
    public static Path file(String s) {
        Path p = path(s);
        Path name = p.getFileName();
        if (name == null || s.endsWith("/") || name.toString().equals(".") || name.toString().equals("..")) {
            throw bad("cli.expects.file", ShownValue.of(s));
        }
        return p;
    }

    /** One of an enum's constants, written as {@link #spell} writes it, in any case. */
    public static <E extends Enum<E>> Function<String, E> choice(Class<E> type) {
        return s -> {
            for (E e : type.getEnumConstants()) {
                if (ascii(s) && spell(e).equalsIgnoreCase(s)) {
                    return e;
                }
            }
            throw bad("cli.expects.choice", choices(type), ShownValue.of(s));
        };
    }

    /** The spellings of an enum's constants, e.g. {@code iterative|thread-per-client|virtual}. */
    public static <E extends Enum<E>> String choices(Class<E> type) {
        StringBuilder sb = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            sb.append(sb.isEmpty() ? "" : "|").append(spell(e));
        }
        return sb.toString();
    }

    /** The value of {@code --lang}: {@link #LANGUAGES}, in any case, and nothing else. */
    public static Lang lang(String s) {
        Lang l = Lang.fromFlag(s);
        if (l == null) {
            throw bad("cli.expects.choice", LANGUAGES, ShownValue.of(s));
        }
        return l;
    }

    /** A value as a command line writes it: {@code 30s}, {@code 2m}, {@code thread-per-client}, {@code 7007}. */
    public static String show(Object value) {
        if (value instanceof Enum<?> e) {
            return spell(e);
        }
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            if (ms != 0 && ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms != 0 && ms % 60_000 == 0) {
                return ms / 60_000 + "m";
            }
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
        return String.valueOf(value);
    }

    /** An enum constant in lower case with '-' for '_': {@code THREAD_PER_CLIENT} is {@code thread-per-client}. */
    public static String spell(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True if every character is ASCII: a case-blind match then cannot take a Kelvin sign for a k. */
    static boolean ascii(String s) {
        return s.chars().allMatch(c -> c < 0x80);
    }

    /** ASCII digits (with an optional '-') as a long; beyond a long's range, its largest or smallest value. */
    private static long saturated(String digits) {
        String t = digits.replaceFirst("^(-?)0+(?=[0-9])", "$1");
        if (t.length() - (t.startsWith("-") ? 1 : 0) > LONG_DIGITS) {
            return t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return Long.parseLong(t);
    }

    /** A number that fits is shown as read ({@code 70000}); one that did not fit, as typed. */
    private static String shownNumber(long v, String typed) {
        return v == Long.MAX_VALUE || v == Long.MIN_VALUE ? ShownValue.of(typed) : String.valueOf(v);
    }

    private static Charset argCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    private static IllegalArgumentException bad(String key, Object... args) {
        return new IllegalArgumentException(MSG.get(key, args));
    }
}
