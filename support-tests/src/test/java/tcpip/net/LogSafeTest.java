package tcpip.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LogSafe escapes every character a terminal shows as nothing or as a blank, not only controls and Cf:
 * a red team got U+034F, U+17B4/5, the variation selectors, the Hangul fillers, U+2800, U+180B..F, U+E0100..
 * and the no-break and wide spaces (Zs) into log lines raw, where they hide or fake text.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LogSafeTest {

    /** What the red team sent (log_inject.py), each to be escaped, first and last of each range. */
    static final int[] INVISIBLE = {0x034F, 0x17B4, 0x17B5, 0xFE00, 0xFE0F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800,
        0x180B, 0x180C, 0x180D, 0x180F, 0xE0100, 0xE01EF, 0xE0000, 0xE0FFF, 0x00AD, 0x061C, 0xFFF0, 0xFFF8, 0x1BCA0,
        0x1BCA3, 0x1D173, 0x1D17A, 0x2060, 0x2065, 0x206F,
        // space separators (Zs) other than U+0020
        0x00A0, 0x1680, 0x2000, 0x2005, 0x200A, 0x202F, 0x205F, 0x3000};

    /** Just outside those ranges, visible: stays raw. */
    static final int[] VISIBLE = {0x0020, 0x034E, 0x0350, 0x17B3, 0x17B6, 0xFE10, 0x115E, 0x1161, 0x3163, 0x3165,
        0xFF9F, 0xFFA1, 0x27FF, 0x2801, 0x180A, 0x1810, 0x00AC, 0x00AE, 0x061B, 0x061D, 0x1D172, 0x1D17B, 0x205E,
        0x2070, 0xAC00, 0x00E9};

    @Test
    void everyInvisibleOrBlankCodePointIsEscapedWithItsNumber() {
        for (int cp : INVISIBLE) {
            String raw = "a" + new String(Character.toChars(cp)) + "b";
            String hex = Integer.toHexString(cp);
            String expected = cp > 0xFFFF ? "\\U" + "0".repeat(8 - hex.length()) + hex : "\\u" + "0".repeat(4 - hex.length()) + hex;
            assertThat(LogSafe.text(raw)).as("U+%04X", cp).isEqualTo("a" + expected + "b");
        }
    }

    @Test
    void theirVisibleNeighboursStayRaw() {
        for (int cp : VISIBLE) {
            String raw = "a" + new String(Character.toChars(cp)) + "b";
            assertThat(LogSafe.text(raw)).as("U+%04X", cp).isEqualTo(raw);
        }
    }

    @Test
    void theTableIsSortedAndEachRangeEndsEscapedWhileAVisibleNeighbourStaysRaw() {
        int previous = -1;
        for (int[] range : LogSafe.INVISIBLE) {
            assertThat(range[0]).as("sorted, no overlap").isGreaterThan(previous).isLessThanOrEqualTo(range[1]);
            previous = range[1];
            for (int cp : new int[] {range[0], range[1]}) {
                assertThat(LogSafe.text(new String(Character.toChars(cp)))).as("U+%04X", cp).startsWith("\\");
            }
            for (int cp : new int[] {range[0] - 1, range[1] + 1}) {
                String raw = new String(Character.toChars(cp));
                if (shownAsIs(cp)) {
                    assertThat(LogSafe.text(raw)).as("U+%04X", cp).isEqualTo(raw);
                }
            }
        }
    }

    /** A code point no other rule escapes: assigned, not a control, format, separator or another range's. */
    private static boolean shownAsIs(int cp) {
        int type = Character.getType(cp);
        return type != Character.UNASSIGNED && type != Character.FORMAT && type != Character.CONTROL
                && type != Character.SPACE_SEPARATOR && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR && !LogSafe.invisible(cp);
    }
}
