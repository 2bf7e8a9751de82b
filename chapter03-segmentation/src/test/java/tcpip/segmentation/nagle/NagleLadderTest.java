package tcpip.segmentation.nagle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.narration.Narrator;
import tcpip.narration.Stages;
import tcpip.testing.LadderHeaders;

/**
 * The nagle stage's ladder starts mid-connection (its slowest request, no SYN): the stage knows its
 * client, so the ladder names the port that sent the request client and says it guessed nothing.
 */
@Timeout(30)
class NagleLadderTest {

    private static final Pattern FIRST_PACKET = Pattern.compile("packet  \\| (\\d+) > (\\d+) ");

    @Test
    void theSlowestRequestsLadderNamesTheRequesterClient() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Stages.run(NagleStages.stages(), new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8)), false);
        String said = buf.toString(StandardCharsets.UTF_8);
        Matcher first = FIRST_PACKET.matcher(said);
        assumeTrue(first.find(), "no packets captured here (tcpdump missing or not permitted)");
        assertThat(LadderHeaders.of(said)).as("the slowest request's ladder\n%s", said).singleElement()
                .satisfies(h -> {
                    assertThat(h.clientPort()).as("the requester (its header goes first)")
                            .isEqualTo(Integer.parseInt(first.group(1)));
                    assertThat(h.serverPort()).isEqualTo(Integer.parseInt(first.group(2)));
                });
        assertThat(LadderHeaders.guesses(said)).as("the stage knows its client\n%s", said).isEmpty();
    }
}
