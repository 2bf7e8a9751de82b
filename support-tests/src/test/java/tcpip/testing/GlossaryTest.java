package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlossaryTest {

    @Test
    void aRowRejectsItsQuotedVariantsLiterallyOrAsARegex() {
        List<Glossary.Rule> rules = Glossary.parse(List.of(
                "| 개념 | 쓰는 말 | 글에서 | 쓰지 않는 말 |",
                "|---|---|---|---|",
                "| connection | 연결 | 커넥션 | `커넥션` `a.b` |",
                "| a call returns | 끝나다 | | `/돌아왔\\|돌아옵/` |",
                "| socket | 소켓 | 소켓 | |",
                "not a table row `커넥션`"));
        assertThat(rules).extracting(Glossary.Rule::variant).containsExactly("커넥션", "a.b", "/돌아왔|돌아옵/");
        assertThat(rules.get(0).term()).isEqualTo("연결");
        assertThat(rules.get(1).foundIn("axb")).as("a literal is not a regex").isFalse();
        assertThat(rules.get(2).foundIn("connect()가 돌아옵니다")).isTrue();
        assertThat(rules.get(2).foundIn("에코를 돌려받았습니다")).isFalse();
    }

    @Test
    void theCoursesGlossaryRejectsTheVariantsItNamesAndPassesItsOwnTerms() {
        assertThat(Glossary.violations(Map.of("a", "handshake를 마친 커넥션", "b", "우리 SYN", "c", "(does NOT match)",
                "d", "connect()가 돌아왔습니다", "e", "듣는 소켓", "f", "스트림에는 메시지 경계가 없다")))
                .hasSize(6);
        assertThat(Glossary.violations(Map.of("a", "handshake를 마친 연결", "b", "이쪽 SYN", "c", "일치하지 않습니다",
                "d", "connect()가 끝났습니다", "e", "리스닝 소켓", "f", "클라이언트마다 읽습니다: 과제마다"))).isEmpty();
    }
}
