package tcpip.segmentation.buffers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.kernel.TextWidth;

/** Issue 17: the report's label column lines up with Hangul labels (two columns per syllable). */
@Isolated // switches the process-wide language; nothing may run beside it
class BufferReportLabelsTest {

    private static final List<String> LABELS = List.of("BufferReport.label.asked", "BufferReport.label.java",
            "BufferReport.label.kernel", "BufferReport.label.relation");

    @Test
    void everyLabelTakesTheSameDisplayColumnsInBothLanguages() {
        Lang before = Lang.current();
        try {
            for (Lang lang : Lang.values()) {
                Lang.set(lang);
                for (String key : LABELS) {
                    String label = BufferReport.label(key);
                    assertThat(TextWidth.of(label)).as("%s in %s: '%s'", key, lang, label)
                            .isEqualTo(BufferReport.LABEL_COLUMNS);
                }
            }
            Lang.set(Lang.EN);
            assertThat(BufferReport.label("BufferReport.label.asked")).isEqualTo("asked       ");
            Lang.set(Lang.KO);
            String asked = BufferReport.label("BufferReport.label.asked");
            assertThat(asked).containsPattern("[가-힣]")
                    .as("padded by display width: String.length() would give the Korean label too many spaces")
                    .hasSizeLessThan(BufferReport.LABEL_COLUMNS);
        } finally {
            Lang.set(before);
        }
    }
}
