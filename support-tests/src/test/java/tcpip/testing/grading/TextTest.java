package tcpip.testing.grading;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A submission's text reaches the score table as one plain line: it can never draw a line of its own. */
final class TextTest {

    @Test
    void escapeSequencesBidiOverridesAndLineSeparatorsBecomeSpaces() {
        String forged = "ok\u001b[2K\u001b[1A\rTOTAL 132/132\u2028\u2029\u202e\u0085\u001b]0;pwned\u0007";
        String clean = Text.clean(forged, 200);
        assertThat(clean).isEqualTo("ok [2K [1A TOTAL 132/132 ]0;pwned");
        assertThat(clean.chars()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
    }

    @Test
    void koreanStaysAndLongTextIsCut() {
        assertThat(Text.clean("연결이 끊어졌습니다", 100)).isEqualTo("연결이 끊어졌습니다");
        assertThat(Text.clean("x".repeat(50), 10)).isEqualTo("xxxxxxxxxx ...");
    }
}
