package tcpip.segmentation.nagle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.kernel.Segment;

/** The Nagle stage's delayed-ACK line tells the story only when the capture shows it. */
final class DelayedAckLineTest {

    private static final int CLIENT = 40_000;
    private static final int SERVER = 7_000;
    private static final Duration NODELAY = Duration.ofMillis(1); // a round trip without Nagle

    private static Segment fromClient(double t, long seq, int length) {
        return new Segment(t, "127.0.0.1", CLIENT, "127.0.0.1", SERVER, "P.", seq, seq + length, 1, 512, length, 0, 0);
    }

    private static Segment fromServer(double t, long ack, int length) {
        return new Segment(t, "127.0.0.1", SERVER, "127.0.0.1", CLIENT, length > 0 ? "P." : ".", 1, 1 + length, ack, 512,
                length, 0, 0);
    }

    @Test
    void aPureAckHeldBackBeforeTheBodyIsTheDelayedAck() {
        List<Segment> request = List.of(fromClient(0.000, 1, 10), fromServer(0.040, 11, 0), fromClient(0.0401, 11, 90),
                fromServer(0.041, 101, 100));
        assertThat(NagleStages.delayedAck(request, SERVER, NODELAY)).contains("40.0 ms").doesNotContain("NOT match");
    }

    @Test
    void anAckAtOnceOrTheAnswerFirstDoesNotMatch() {
        List<Segment> atOnce = List.of(fromClient(0.000, 1, 10), fromServer(0.0000, 11, 0), fromClient(0.0001, 11, 90),
                fromServer(0.001, 101, 100));
        assertThat(NagleStages.delayedAck(atOnce, SERVER, NODELAY)).contains("does NOT match");
        List<Segment> answerFirst = List.of(fromClient(0.000, 1, 10), fromClient(0.0001, 11, 90),
                fromServer(0.040, 101, 100));
        assertThat(NagleStages.delayedAck(answerFirst, SERVER, NODELAY)).contains("does NOT match");
        List<Segment> noBody = List.of(fromClient(0.000, 1, 10), fromServer(0.040, 11, 0));
        assertThat(NagleStages.delayedAck(noBody, SERVER, NODELAY)).contains("cannot be checked");
    }
}
