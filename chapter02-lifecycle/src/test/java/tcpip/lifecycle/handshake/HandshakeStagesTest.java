package tcpip.lifecycle.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.kernel.Segment;
import tcpip.narration.Narrator;
import tcpip.testing.LadderHeaders;

/** The packets stage computes every relation from the captured numbers: a wrong or empty capture says so. */
class HandshakeStagesTest {

    @Test
    void theRelationCheckFailsOnAWrongSegment() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Narrator n = new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        List<Segment> wrong = List.of(
                new Segment(0, "127.0.0.1", 40_000, "127.0.0.1", 7102, "S", 100, 100, -1, 65_495, 0, 65_495, 10),
                new Segment(0, "127.0.0.1", 7102, "127.0.0.1", 40_000, "S.", 900, 900, 100, 65_483, 0, 65_495, 10),
                new Segment(0, "127.0.0.1", 40_000, "127.0.0.1", 7102, ".", -1, -1, 901, 64, 0, -1, -1));
        HandshakeStages.explainHandshake(n, wrong, 40_000, 7102);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("SYN+ACK ack 100 does NOT match client ISN 100 + 1");
    }

    @Test
    void anEmptyCaptureIsReportedAsNotMatching() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        HandshakeStages.explainHandshake(new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)), List.of(),
                40_000, 7102);
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("does NOT match").contains("0 segment(s)");
    }

    @Test
    void theLadderNamesTheClientThePortKnowsNotAGuess() {
        // The handshake missed by the capture, both ports ephemeral, the server's segment first: the packets
        // alone would make the server the client. The stage knows its client's port and says so.
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<Segment> noSyn = List.of(
                new Segment(0, "127.0.0.1", 47_102, "127.0.0.1", 40_000, ".", -1, -1, 101, 64, 0, -1, -1),
                new Segment(0, "127.0.0.1", 40_000, "127.0.0.1", 47_102, "P.", 101, 106, 901, 64, 5, -1, -1));
        HandshakeStages.explainHandshake(new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)), noSyn,
                40_000, 47_102);
        String said = buffer.toString(StandardCharsets.UTF_8);
        assertThat(LadderHeaders.of(said)).singleElement().satisfies(h -> {
            assertThat(h.clientPort()).as("client port in the ladder's header\n%s", said).isEqualTo(40_000);
            assertThat(h.serverPort()).isEqualTo(47_102);
        });
        assertThat(LadderHeaders.guesses(said)).isEmpty();
    }
}
