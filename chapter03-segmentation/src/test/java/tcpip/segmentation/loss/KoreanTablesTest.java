package tcpip.segmentation.loss;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.kernel.TextWidth;
import tcpip.segmentation.Msg;
import tcpip.segmentation.seqack.SeqAckModel;

/** Issue 17: the model's diagram and the loss lab's table keep their columns with Hangul in them. */
@Isolated // switches the process-wide language; nothing may run beside it
class KoreanTablesTest {

    private static final byte[] MESSAGE = "Hello, TCP! This message is cut into segments.".getBytes(StandardCharsets.UTF_8);

    @Test
    void theModelDiagramsServerColumnStartsAtTheSameDisplayColumnInKorean() {
        Lang before = Lang.current();
        try {
            Lang.set(Lang.KO);
            List<String> diagram = SeqAckModel.run(MESSAGE, new SeqAckModel.Options(7, 16, 0.2, 0.1, 0.2, 4, 10_000))
                    .diagram();
            String header = diagram.get(2);
            assertThat(header).contains("클라이언트").contains("서버");
            int server = TextWidth.of(header.substring(0, header.indexOf("서버")));
            // Lines written by the server side: only spaces before the server column.
            List<String> serverLines = diagram.stream().filter(l -> l.contains("받음") || l.contains("<-- ACK=") && l
                    .contains("다음에 기대하는")).toList();
            assertThat(serverLines).isNotEmpty();
            for (String l : serverLines) {
                int text = l.length() - l.substring(7).stripLeading().length();
                assertThat(TextWidth.of(l.substring(0, text))).as("server column of: %s", l).isEqualTo(server);
            }
            // A client line with a note: the note starts in the server column although the client text has Hangul.
            String delayed = diagram.stream().filter(l -> l.contains("-->") && l.contains("틱 늦게")).findFirst()
                    .orElseThrow();
            assertThat(TextWidth.of(delayed.substring(0, delayed.indexOf("(")))).isEqualTo(server);
            String ackArrives = diagram.stream().filter(l -> l.contains("도착: 그 앞의")).findFirst().orElseThrow();
            assertThat(TextWidth.of(ackArrives)).as("a Hangul client line is padded by display width, not by length")
                    .isLessThanOrEqualTo(server);
        } finally {
            Lang.set(before);
        }
    }

    @Test
    void theComparisonTablesSeparatorsLineUpWithHangulCells() {
        Lang before = Lang.current();
        try {
            Lang.set(Lang.KO);
            List<String> rows = List.of(ModelComparison.row("", "커널 (측정값)", "교과서 모델", "모델, Linux 방식"),
                    ModelComparison.row("다시 보낸 세그먼트", "3 (nstat TcpRetransSegs)", "1", "1"),
                    ModelComparison.row("SACK 블록", "예", "생략", "암묵적 (받는 쪽이 데이터를 보관)"));
            List<Integer> first = separators(rows.get(0));
            assertThat(first).hasSize(3);
            rows.forEach(r -> assertThat(separators(r)).as(r).isEqualTo(first));
            Lang.set(Lang.EN);
            assertThat(ModelComparison.row("SACK blocks", "yes", "left out", "implied"))
                    .isEqualTo(String.format("%-32s | %-24s | %-22s | %s", "SACK blocks", "yes", "left out", "implied"));
        } finally {
            Lang.set(before);
        }
    }

    @Test
    void everyTranslatedCellFitsItsColumnInBothLanguages() {
        Lang before = Lang.current();
        try {
            for (Lang lang : Lang.values()) {
                Lang.set(lang);
                for (String key : List.of("LossLab.row.whatResent", "LossLab.row.sentAgain", "LossLab.row.sack",
                        "LossLab.row.rack", "LossLab.row.cwnd", "LossLab.row.inOrder")) {
                    assertFits(lang, key, 32);
                }
                for (String key : List.of("LossLab.col.kernel", "LossLab.col.textbook", "LossLab.cell.yes",
                        "LossLab.cell.no", "LossLab.cell.NO", "LossLab.cell.yesSha", "LossLab.cell.leftOut",
                        "LossLab.cell.timeoutOnly", "LossLab.cell.noneBeforeResend", "LossLab.cell.modelDupAcks", "LossLab.cell.used",
                        "LossLab.cell.notUsed", "LossLab.cell.noSs", "LossLab.cell.cwndAfter", "LossLab.cell.noWindow")) {
                    assertFits(lang, key, 22);
                }
                assertFits(lang, "LossLab.gap.resend", 8);
                assertFits(lang, "LossLab.gap.measured", 13);
                assertFits(lang, "LossLab.gap.expected", 12);
                for (String key : List.of("LossLab.gap.rule", "LossLab.gap.probe", "LossLab.gap.rto", "LossLab.gap.double")) {
                    assertFits(lang, key, 38);
                }
            }
        } finally {
            Lang.set(before);
        }
    }

    private static void assertFits(Lang lang, String key, int columns) {
        String text = Msg.get(key, "10");
        assertThat(TextWidth.of(text)).as("%s in %s: '%s'", key, lang, text).isLessThanOrEqualTo(columns);
    }

    /** Display columns at which each " | " starts. */
    private static List<Integer> separators(String row) {
        List<Integer> at = new ArrayList<>();
        for (int i = row.indexOf(" | "); i >= 0; i = row.indexOf(" | ", i + 1)) {
            at.add(TextWidth.of(row.substring(0, i)));
        }
        return at;
    }
}
