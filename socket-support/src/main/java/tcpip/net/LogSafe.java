package tcpip.net;

/**
 * Makes a string a client sent safe to put in a log line: control characters (newlines, ANSI
 * escapes) are written as {@code \n}, {@code \x1b} …, so a client cannot forge or colour log lines,
 * and long values are cut.
 */
public final class LogSafe {

    /** Longest client-supplied value a log line shows. */
    public static final int MAX_SHOWN = 120;

    private LogSafe() {
    }

    /** The value with control characters escaped, cut to {@link #MAX_SHOWN} characters. */
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
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (value.length() > MAX_SHOWN) {
            sb.append("…(").append(value.length()).append(" chars)");
        }
        return sb.toString();
    }

    /** One line for a failure: the exception's type and its (escaped) message. */
    public static String failure(Throwable e) {
        String msg = e.getMessage();
        return e.getClass().getSimpleName() + (msg == null ? "" : ": " + text(msg));
    }
}
