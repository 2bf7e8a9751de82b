package tcpip.net;

/**
 * Makes a string a client sent safe to put in a log line: control characters (newlines, ANSI
 * escapes) and Unicode format characters (category Cf: bidirectional overrides such as U+202E,
 * zero-width spaces and joiners, the byte-order mark) are written as {@code \n}, {@code \x1b},
 * {@code \u202e} …, so a client can neither forge, colour nor visually reorder log lines; long
 * values are cut.
 */
public final class LogSafe {

    /** Longest client-supplied value a log line shows, in characters. */
    public static final int MAX_SHOWN = 120;

    private LogSafe() {
    }

    /** The value with control and format characters escaped, cut to {@link #MAX_SHOWN} characters. */
    public static String text(CharSequence value) {
        if (value == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.min(value.length(), MAX_SHOWN);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> escape(value, i, c, sb);
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++; // the pair was handled as one code point
            }
        }
        if (value.length() > MAX_SHOWN) {
            sb.append("…(").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }

    private static void escape(CharSequence value, int i, char c, StringBuilder sb) {
        int cp = Character.codePointAt(value, i);
        if (Character.isISOControl(cp)) {
            sb.append(hex("\\x", cp, 2));
        } else if (Character.getType(cp) == Character.FORMAT || cp == '\u2028' || cp == '\u2029'
                || Character.isSurrogate(c) && Character.charCount(cp) == 1) {
            // Cf (U+202E, U+200B, U+FEFF, U+E0001 …), the line and paragraph separators, a lone surrogate
            sb.append(cp > 0xFFFF ? hex("\\U", cp, 8) : hex("\\u", cp, 4));
        } else {
            sb.appendCodePoint(cp);
        }
    }

    /** {@code prefix} and {@code cp} in lower-case hex, zero-padded to {@code digits} (no Formatter: cheap and preloaded). */
    private static String hex(String prefix, int cp, int digits) {
        String h = Integer.toHexString(cp);
        return prefix + "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /** One line for a failure: the exception's type and its (escaped) message. */
    public static String failure(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + text(msg));
    }
}
