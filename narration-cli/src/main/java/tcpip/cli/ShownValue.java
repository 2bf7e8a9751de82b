package tcpip.cli;

import java.nio.charset.StandardCharsets;

/**
 * A value a person typed, made fit to repeat in a one-line error: quoted, with control characters
 * (newline, NUL, ANSI escapes) and Unicode format characters (U+202E, U+200B, …) written as
 * {@code \n}, {@code \x00}, {@code \u202e}, so no value can break the line, colour the terminal or
 * reorder what it shows; a long value is not repeated at all, only its size. (socket-support's
 * {@code LogSafe} does the same for log lines; this module sits below it and cannot call it.)
 */
public final class ShownValue {

    /** The longest value, once escaped, that an error line repeats. */
    public static final int MAX_SHOWN = 80;

    private static final Messages MSG = Messages.of("tcpip.cli.messages");

    private ShownValue() {
    }

    /** {@code 'value'} escaped, or {@code (N bytes, not shown)} when longer than {@link #MAX_SHOWN}. */
    public static String of(String value) {
        String escaped = escaped(value);
        if (escaped.length() > MAX_SHOWN) {
            return MSG.get("cli.value.not.shown", String.valueOf(value.getBytes(StandardCharsets.UTF_8).length));
        }
        return "'" + escaped + "'";
    }

    /** The value with every control and format character escaped (nothing cut). */
    public static String escaped(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
            int cp = value.codePointAt(i);
            switch (cp) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (Character.isISOControl(cp)) {
                        sb.append(hex("\\x", cp, 2));
                    } else if (Character.getType(cp) == Character.FORMAT || cp == '\u2028' || cp == '\u2029'
                            || cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
                        // Cf (bidirectional overrides, zero-width characters), line separators, a lone surrogate
                        sb.append(cp > 0xFFFF ? hex("\\U", cp, 8) : hex("\\u", cp, 4));
                    } else {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        }
        return sb.toString();
    }

    private static String hex(String prefix, int cp, int digits) {
        String h = Integer.toHexString(cp);
        return prefix + "0".repeat(Math.max(0, digits - h.length())) + h;
    }
}
