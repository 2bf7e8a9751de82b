package tcpip.kernel;

/**
 * How many terminal columns a string takes: East Asian wide and full-width characters (Hangul,
 * CJK, full-width forms) take two, combining marks none, everything else one. Pictures that
 * mix Korean labels with ASCII art pad by this, not by {@code String.length()}.
 */
public final class TextWidth {

    private TextWidth() {
    }

    /** Display columns of {@code text}. */
    public static int of(String text) {
        int width = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            width += columns(cp);
            i += Character.charCount(cp);
        }
        return width;
    }

    /** Display columns of one code point (0, 1 or 2). */
    public static int columns(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || cp == 0x200B || (cp >= 0x1160 && cp <= 0x11FF)) {
            return 0; // combining marks, zero-width space, Hangul medial/final jamo
        }
        return wide(cp) ? 2 : 1;
    }

    private static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F)     // Hangul Jamo initials
                || (cp >= 0x2E80 && cp <= 0x303E)  // CJK radicals, punctuation
                || (cp >= 0x3041 && cp <= 0x33FF)  // kana, Hangul compatibility jamo, CJK symbols
                || (cp >= 0x3400 && cp <= 0x4DBF)  // CJK extension A
                || (cp >= 0x4E00 && cp <= 0x9FFF)  // CJK unified ideographs
                || (cp >= 0xA960 && cp <= 0xA97F)  // Hangul Jamo extended A
                || (cp >= 0xAC00 && cp <= 0xD7A3)  // Hangul syllables
                || (cp >= 0xF900 && cp <= 0xFAFF)  // CJK compatibility ideographs
                || (cp >= 0xFE30 && cp <= 0xFE4F)  // CJK compatibility forms
                || (cp >= 0xFF00 && cp <= 0xFF60)  // full-width forms
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x1F300 && cp <= 0x1F64F) // pictographs, emoticons
                || (cp >= 0x1F900 && cp <= 0x1F9FF)
                || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B..
    }

    /** {@code text} followed by spaces up to {@code columns} display columns. */
    public static String padRight(String text, int columns) {
        return text + " ".repeat(Math.max(0, columns - of(text)));
    }

    /** Spaces then {@code text}, right-aligned in {@code columns} display columns. */
    public static String padLeft(String text, int columns) {
        return " ".repeat(Math.max(0, columns - of(text))) + text;
    }

    /** {@code text} centred in {@code columns} display columns. */
    public static String center(String text, int columns) {
        int spare = Math.max(0, columns - of(text));
        return " ".repeat(spare / 2) + text + " ".repeat(spare - spare / 2);
    }
}
