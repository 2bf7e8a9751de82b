package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.cli.Lang;
import tcpip.kernel.PacketCapture;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.testing.BundleContract;

/**
 * Issue 17: with {@code --lang ko} the demo speaks Korean. One in-process run of three stages (framing,
 * buffers, the SEQ/ACK model and its capture: about 1.5 s) is shared by the checks; every narrated
 * line must contain Hangul unless it is pure data (packet lines, code, socket rows, counters).
 */
@Isolated // switches the process-wide language; nothing may run beside it
@Timeout(60)
class KoreanDemoTest {

    private static final List<String> STAGES = List.of("framing", "buffers", "seq-ack-model");
    /** "  label    | text": a narrated line (pictures and code excerpts have no label). */
    private static final Pattern NARRATED = Pattern.compile("^  (\\S[^|]*?)\\s*\\| (.*)$");
    /** The heading of a code excerpt: "LineCore.java [serve-lines]". */
    private static final Pattern HANGUL = Pattern.compile("[가-힣]");
    /** Lower-case words that are data, not English: packet fields, ss/proc fields, flags spelled out. */
    private static final Set<String> DATA_WORDS = Set.of("seq", "len", "ack", "win", "mss", "wscale", "bytes", "tx",
            "rx", "queue", "inode", "timer", "left", "stream", "channel", "transfer", "to", "advmss", "pmtu", "rcvmss",
            "skmem", "tb", "rb", "sport", "dport", "and", "ss", "tinm", "none", "line", "one", "two", "three", "frame");
    private static final Pattern WORD = Pattern.compile("(?<![A-Za-z_])[a-z]{2,}(?![A-Za-z_(])");

    private static String out;

    @BeforeAll
    static void runSomeStagesInKorean() throws Exception {
        Lang before = Lang.current();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            Lang.set(Lang.KO);
            Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));
            List<Stage> chosen = SegmentationDemo.stages().stream().filter(s -> STAGES.contains(s.name())).toList();
            Stages.run(chosen, n, false);
        } finally {
            Lang.set(before);
        }
        out = buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyStageTitleIsKoreanAndNamesTheArticleSection() {
        for (Stage s : SegmentationDemo.stages()) {
            assertThat(s.articleSection()).isEqualTo("데이터 송수신");
        }
        assertThat(out).contains("=== 데이터 송수신 (구분자와 길이 접두어로 메시지 경계 만들기) ===")
                .contains("=== 데이터 송수신 (SO_SNDBUF / SO_RCVBUF: 요청한 크기와 커널이 잡은 크기) ===")
                .contains("=== 데이터 송수신 (SEQ/ACK, 손실, 재전송 (모델과 실제 커널)) ===");
    }

    @Test
    void everyNarratedSentenceIsKorean() {
        List<String> english = untranslated(out);
        assertThat(english).as("narrated lines with English words and no Hangul").isEmpty();
    }

    @Test
    void theCheckFindsAnEnglishSentence() {
        assertThat(untranslated("  설명     | the receive queue is one row of bytes\n")).hasSize(1);
        assertThat(untranslated("  패킷     | 51188 > 44011 DATA(16)+ACK   seq=1:17 ack=1 win=64\n")).isEmpty();
    }

    @Test
    void theKeyFactsAreStillThereInKorean() {
        assertThat(out).contains("클라이언트 A가 받은 응답: frame 2: 19 bytes")
                .contains("클라이언트 B가 받은 응답: ERROR: 프레임 길이 2147483647이(가) 최대 1048576보다 큽니다")
                .contains("클라이언트가 받은 응답: line 3: three")
                .containsPattern("관계 +송신: 2 x min\\(32768, wmem_max \\d+\\) = 65536: 일치합니다")
                .contains("(ISN+1: SYN이 번호 하나를 씀)")
                .contains("모델의 받는 쪽 프로그램이 받은 것: \"Hello, TCP! This message is cut into segments.\"");
        if (PacketCapture.possible()) { // tcpdump may capture here (root, or a private namespace)
            assertThat(out).containsPattern("응답 \\d+개 모두: ACK = SEQ \\+ 길이, SYN과 FIN에서만 \\+1 \\(일치합니다\\)");
        }
        assertThat(out).as("every computed relation held").doesNotContain("일치하지 않습니다");
    }

    /** The narrated lines that contain an English word (not a data word) and no Hangul. */
    static List<String> untranslated(String text) {
        List<String> bad = new ArrayList<>();
        for (String line : text.lines().toList()) {
            Matcher m = NARRATED.matcher(line);
            if (!m.matches() || BundleContract.isData(m.group(2)) || HANGUL.matcher(m.group(2)).find()) {
                continue;
            }
            Matcher w = WORD.matcher(m.group(2).replaceAll("\"[^\"]*\"", "")); // quoted text is data
            while (w.find()) {
                if (!DATA_WORDS.contains(w.group())) {
                    bad.add(line);
                    break;
                }
            }
        }
        return bad;
    }
}
