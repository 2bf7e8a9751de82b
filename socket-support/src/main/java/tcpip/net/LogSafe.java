package tcpip.net;

/**
 * Makes a string a client sent safe to put in a log line: control characters (newlines, ANSI
 * escapes), Unicode format characters (category Cf: bidirectional overrides such as U+202E,
 * zero-width spaces and joiners, the byte-order mark), every other character a terminal draws as
 * nothing or as blank ({@link #INVISIBLE}: variation selectors, Hangul fillers, U+00A0 and the other
 * space separators but the plain space) and lone surrogates are written as {@code \n}, {@code \x1b},
 * {@code \u202e} …, so a client can neither forge, colour, hide text in nor visually reorder log
 * lines; long values are cut.
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
                || Character.isSurrogate(c) && Character.charCount(cp) == 1 || invisible(cp)) {
            // Cf (U+202E, U+200B, U+FEFF, U+E0001 …), the line and paragraph separators, a lone surrogate,
            // and whatever else shows as nothing or as a blank (INVISIBLE)
            sb.append(cp > 0xFFFF ? hex("\\U", cp, 8) : hex("\\u", cp, 4));
        } else {
            sb.appendCodePoint(cp);
        }
    }

    /**
     * Code points a log line must not show raw although they are neither control nor format characters,
     * as sorted inclusive ranges {@code {first, last}}. From Unicode's DerivedCoreProperties.txt, property
     * Default_Ignorable_Code_Point (Unicode 15.1, UAX #44 §5.3: "should be rendered as completely
     * invisible"), all of its ranges (the Cf among them are escaped as Cf anyway); plus U+2800 BRAILLE
     * PATTERN BLANK, not default-ignorable but drawn as a blank. The space separators (Zs) other than
     * U+0020 (U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000) are escaped by their category.
     */
    static final int[][] INVISIBLE = {
        {0x00AD, 0x00AD},   // SOFT HYPHEN
        {0x034F, 0x034F},   // COMBINING GRAPHEME JOINER
        {0x061C, 0x061C},   // ARABIC LETTER MARK
        {0x115F, 0x1160},   // HANGUL CHOSEONG FILLER, HANGUL JUNGSEONG FILLER
        {0x17B4, 0x17B5},   // KHMER VOWEL INHERENT AQ, AA
        {0x180B, 0x180F},   // MONGOLIAN FREE VARIATION SELECTORS, VOWEL SEPARATOR
        {0x200B, 0x200F},   // ZERO WIDTH SPACE .. RIGHT-TO-LEFT MARK
        {0x202A, 0x202E},   // bidirectional embeddings and overrides
        {0x2060, 0x206F},   // WORD JOINER .. NOMINAL DIGIT SHAPES (U+2065 unassigned)
        {0x2800, 0x2800},   // BRAILLE PATTERN BLANK (not default-ignorable: blank all the same)
        {0x3164, 0x3164},   // HANGUL FILLER
        {0xFE00, 0xFE0F},   // VARIATION SELECTOR-1..16
        {0xFEFF, 0xFEFF},   // ZERO WIDTH NO-BREAK SPACE (byte-order mark)
        {0xFFA0, 0xFFA0},   // HALFWIDTH HANGUL FILLER
        {0xFFF0, 0xFFF8},   // unassigned, reserved as default-ignorable
        {0x1BCA0, 0x1BCA3}, // SHORTHAND FORMAT CONTROLS
        {0x1D173, 0x1D17A}, // MUSICAL SYMBOL BEGIN BEAM .. END PHRASE
        {0xE0000, 0xE0FFF}, // TAGS, VARIATION SELECTOR-17..256 (U+E0100..U+E01EF), the rest reserved
    };

    /** Whether {@code cp} is in {@link #INVISIBLE} or a space separator other than U+0020. */
    static boolean invisible(int cp) {
        if (Character.getType(cp) == Character.SPACE_SEPARATOR) {
            return cp != ' ';
        }
        for (int[] range : INVISIBLE) {
            if (cp < range[0]) {
                return false; // sorted: no later range holds it
            }
            if (cp <= range[1]) {
                return true;
            }
        }
        return false;
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
