package tcpip.testing.grading;

/** Text from a graded test JVM, made safe to print and to put in JSON: one line, no control characters, cut short. */
final class Text {

    private Text() {
    }

    static String clean(String s, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            char c = s.charAt(i);
            b.append(unsafe(c) ? ' ' : c);
        }
        String one = b.toString().replaceAll("\\s+", " ").trim();
        return s.length() > max ? one + " ..." : one;
    }

    /** Controls (escape sequences), format characters (bidi overrides), line and paragraph separators, halves of pairs. */
    private static boolean unsafe(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || Character.isSurrogate(c);
    }
}
