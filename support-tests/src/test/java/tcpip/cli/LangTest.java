package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.TextWidth;
import tcpip.testing.BundleContract;
import tcpip.testing.Glossary;

/** English and Korean: every sentence in both, Korean chosen by --lang or the locale, aligned output. */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class LangTest {

    @AfterEach
    void english() {
        Lang.set(Lang.EN);
    }

    @Test
    void everyCliSentenceExistsInBothLanguages() {
        BundleContract.assertComplete("tcpip.cli.messages");
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed("tcpip.cli.messages");
    }

    @Test
    void langFlagSwitchesHelpAndErrorsToKorean() throws Exception {
        Cli cli = new Cli("Demo", "demo");
        cli.port(7007);
        assertThat(cli.parseOrHelp(new String[] {"--lang", "ko", "--help"})).isTrue();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        cli.usage(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        String help = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(help).startsWith("사용법: Demo [옵션]").contains("--port N").contains("(기본값: 7007)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--port", "x"}))
                .hasMessage("Demo: --port 값이 잘못되었습니다. 정수를 적어야 합니다. 받은 값: 'x' (--help 참고)");
        Lang.set(Lang.EN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--port", "x"}))
                .hasMessage("Demo: --port expects a whole number, got 'x' (try --help)");
    }

    @Test
    void theLocaleDecidesWhenNoFlagIsGiven() {
        assertThat(Lang.parse("ko_KR.UTF-8")).isEqualTo(Lang.KO);
        assertThat(Lang.parse("C.UTF-8")).isEqualTo(Lang.EN);
        assertThat(Lang.parse("en_US")).isEqualTo(Lang.EN);
        assertThat(Lang.parse("fr_FR")).isNull();
    }

    @Test
    void hangulTakesTwoColumnsSoTablesStayAligned() {
        assertThat(TextWidth.of("TIME_WAIT")).isEqualTo(9);
        assertThat(TextWidth.of("연결 종료")).isEqualTo(9); // four syllables of two columns, one space
        String a = TextWidth.padRight("송신 버퍼", 12) + "|";
        String b = TextWidth.padRight("window", 12) + "|";
        assertThat(TextWidth.of(a)).isEqualTo(TextWidth.of(b)).isEqualTo(13);
    }
}
