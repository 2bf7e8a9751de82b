package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.BundleContract;
import tcpip.testing.Glossary;

/**
 * The kernel view speaks Korean when the process chose it, and its pictures stay aligned: a
 * Hangul syllable takes two terminal columns but one {@code char}, so padding by
 * {@code String.length()} would push every column after a Korean word one place per syllable.
 */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class KoreanPicturesTest {

    private String before;

    @BeforeEach
    void korean() {
        before = System.getProperty(KernelText.LANGUAGE_PROPERTY);
        System.setProperty(KernelText.LANGUAGE_PROPERTY, "ko");
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(KernelText.LANGUAGE_PROPERTY);
        } else {
            System.setProperty(KernelText.LANGUAGE_PROPERTY, before);
        }
    }

    @Test
    void everyKernelSentenceExistsInBothLanguages() {
        BundleContract.assertComplete("tcpip.kernel.messages");
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed("tcpip.kernel.messages");
    }

    @Test
    void theLanguagePropertyChoosesTheSentencesButNeverTheData() {
        assertThat(KernelText.korean()).isTrue();
        assertThat(TcpState.TIME_WAIT.meaning()).isEqualTo(KernelText.get(true, "state.TIME_WAIT")).containsPattern("[가-힣]");
        System.setProperty(KernelText.LANGUAGE_PROPERTY, "en");
        assertThat(TcpState.TIME_WAIT.meaning()).startsWith("closed first;");
        assertThat(TcpState.TIME_WAIT.name()).isEqualTo("TIME_WAIT"); // a state's name is data: never translated
    }

    /** The ladder with Korean column names, header and fold summary: both bars at one display column in every row. */
    @Test
    void ladderTableWithHangulLinesUpByDisplayColumns() {
        for (boolean unicode : new boolean[] {false, true}) {
            List<String> lines = Ladder.of(LadderTest.bulk(40)).named("클라이언트", "서버").text(unicode);
            String bar = unicode ? "│" : "|";
            assertThat(lines.get(1)).contains(KernelText.get(true, "ladder.time.ms"));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("세그먼트").contains("클라이언트에서"));
            List<String> rows = lines.stream().filter(l -> l.contains(bar)).toList();
            assertThat(rows).hasSizeGreaterThan(5);
            int left = TextWidth.of(rows.get(0).substring(0, rows.get(0).indexOf(bar)));
            int right = TextWidth.of(rows.get(0).substring(0, rows.get(0).lastIndexOf(bar)));
            int hangulRows = 0;
            for (String row : rows) {
                String upToRight = row.substring(0, row.lastIndexOf(bar));
                assertThat(TextWidth.of(row.substring(0, row.indexOf(bar)))).as("left bar in: %s", row).isEqualTo(left);
                assertThat(TextWidth.of(upToRight)).as("right bar in: %s", row).isEqualTo(right);
                hangulRows += upToRight.matches(".*[가-힣].*") ? 1 : 0;
                // the same row measured in chars would be off by one per syllable: that is what TextWidth fixes
            }
            assertThat(hangulRows).as("rows whose Korean text sits left of the right bar").isGreaterThanOrEqualTo(2);
        }
    }

    /** An arrow's note (재전송, 윈도우 0) is Korean and sits inside the arrow: both bars keep their display columns. */
    @Test
    void koreanArrowNotesKeepTheBarsInPlace() {
        List<String> lines = Ladder.of(LadderTest.withNotes()).named("클라이언트", "서버").text(false);
        List<String> rows = lines.stream().filter(l -> l.contains("|")).toList();
        assertThat(String.join("\n", rows)).contains("[" + KernelText.get(true, "ladder.note.retransmission") + "]")
                .contains("[" + KernelText.get(true, "ladder.note.zeroWindow") + "]")
                .contains("[" + KernelText.get(true, "ladder.note.duplicateAck") + "]");
        int right = TextWidth.of(rows.get(0).substring(0, rows.get(0).lastIndexOf('|')));
        for (String row : rows) {
            assertThat(TextWidth.of(row.substring(0, row.lastIndexOf('|')))).as("right bar in: %s", row).isEqualTo(right);
        }
    }

    @Test
    void svgPicturesCarryKoreanCaptionsAndStayWellFormed() throws Exception {
        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        String ladder = Ladder.of(LadderTest.bulk(40)).named("클라이언트", "서버").svg("a");
        String graph = TimeSequenceGraph.of(LadderTest.bulk(40)).svg("b");
        assertThat(ladder).contains(KernelText.get(true, "ladder.time.ms"));
        assertThat(graph).contains(KernelText.get(true, "tsg.axis.seq"), KernelText.get(true, "tsg.legend.retransmission"));
        for (String svg : List.of(ladder, graph)) {
            var doc = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                    svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        }
    }

    /** The state diagram with its Korean labels: every box border and arrow stays at the display column of the English one. */
    @Test
    void stateDiagramKeepsItsColumnsWithAKoreanLabel() {
        List<String> korean = StateDiagram.of(Ladder.of(LadderTest.conversation())).text(true);
        System.setProperty(KernelText.LANGUAGE_PROPERTY, "en");
        List<String> english = StateDiagram.of(Ladder.of(LadderTest.conversation())).text(true);
        List<String> keys = List.of("diagram.time.wait.expires", "diagram.rcv.syn", "diagram.rcv.synack",
                "diagram.rcv.ack", "diagram.rcv.fin");
        assertThat(String.join("\n", korean)).contains(KernelText.get(true, "diagram.time.wait.expires"))
                .contains(KernelText.get(true, "diagram.rcv.synack"))
                .contains(KernelText.get(true, "diagram.client.path", "1 CLOSE"));
        int pictureRows = english.size() - 3; // legend and the two path lines follow the picture
        for (int i = 0; i < pictureRows; i++) {
            String ko = korean.get(i);
            String en = english.get(i);
            for (String key : keys) { // a label becomes blanks as wide as it is shown: what is left must line up
                ko = ko.replace(KernelText.get(true, key), " ".repeat(TextWidth.of(KernelText.get(true, key))));
                en = en.replace(KernelText.get(false, key), " ".repeat(KernelText.get(false, key).length()));
            }
            assertThat(ko.stripTrailing()).as("row %d", i).isEqualTo(en.stripTrailing());
            assertThat(TextWidth.of(korean.get(i))).isLessThanOrEqualTo(76);
        }
    }
}
