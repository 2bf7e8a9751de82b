package tcpip.cli;

/**
 * Terminal columns of a string: East Asian wide characters (Hangul, CJK, full-width forms) take
 * two columns, so tables and bars with Korean labels stay aligned.
 */
public final class Width {

    private Width() {
    }

    /** How many terminal columns {@code s} takes. */
    public static int of(String s) {
        int cols = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            cols += wide(cp) ? 2 : (Character.getType(cp) == Character.NON_SPACING_MARK ? 0 : 1);
            i += Character.charCount(cp);
        }
        return cols;
    }

    /** {@code s} padded with spaces on the right to {@code columns} terminal columns. */
    public static String padRight(String s, int columns) {
        int w = of(s);
        return w >= columns ? s : s + " ".repeat(columns - w);
    }

    static boolean wide(int cp) {
        return (cp >= 0x1100 && cp <= 0x115F) // Hangul Jamo (leading consonants)
                || (cp >= 0x2E80 && cp <= 0x303E) // CJK radicals, punctuation
                || (cp >= 0x3041 && cp <= 0x33FF) // kana, compatibility Jamo, CJK symbols
                || (cp >= 0x3400 && cp <= 0x4DBF) // CJK extension A
                || (cp >= 0x4E00 && cp <= 0x9FFF) // CJK unified ideographs
                || (cp >= 0xA960 && cp <= 0xA97F) // Hangul Jamo extended A
                || (cp >= 0xAC00 && cp <= 0xD7A3) // Hangul syllables
                || (cp >= 0xF900 && cp <= 0xFAFF) // CJK compatibility ideographs
                || (cp >= 0xFE30 && cp <= 0xFE4F) // CJK compatibility forms
                || (cp >= 0xFF00 && cp <= 0xFF60) // full-width forms
                || (cp >= 0xFFE0 && cp <= 0xFFE6)
                || (cp >= 0x20000 && cp <= 0x3FFFD); // CJK extensions B..
    }
}
