package tcpip.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.BundleContract;
import tcpip.testing.Glossary;

/** The accept loop's log lines exist in both languages and follow the process's language. */
@Isolated // switches the process-wide language (or stdout): nothing may run beside it
class MsgTest {

    @Test
    void everyLogSentenceExistsInBothLanguages() {
        BundleContract.assertComplete("tcpip.net.messages");
    }

    @Test
    void everyKoreanSentenceUsesTheGlossarysTerms() {
        Glossary.assertFollowed("tcpip.net.messages");
    }

    @Test
    void theLanguagePropertyChoosesAndTheClientsTextStaysAnEscapedArgument() {
        String before = System.getProperty("tcpip.lang");
        try {
            String hostile = LogSafe.text("evil\nclient 1.2.3.4:5: fake line");
            System.setProperty("tcpip.lang", "ko");
            String korean = Msg.get("accept.client.failed", "127.0.0.1:40000", hostile);
            assertThat(korean).startsWith("클라이언트 127.0.0.1:40000: ").doesNotContain("\n");
            System.setProperty("tcpip.lang", "en");
            assertThat(Msg.get("accept.client.timeout", "127.0.0.1:40000", "250"))
                    .isEqualTo("client 127.0.0.1:40000: no data for 250 ms (read deadline), closed");
        } finally {
            if (before == null) {
                System.clearProperty("tcpip.lang");
            } else {
                System.setProperty("tcpip.lang", before);
            }
        }
    }
}
