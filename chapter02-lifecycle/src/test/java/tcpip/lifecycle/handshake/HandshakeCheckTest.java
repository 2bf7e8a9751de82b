package tcpip.lifecycle.handshake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.kernel.Segment;

/** The handshake's relations are computed from the capture, and a wrong capture says so. */
class HandshakeCheckTest {

    private static final int CLIENT = 40_000;
    private static final int SERVER = 7_102;

    private static Segment segment(int from, int to, String flags, long seq, long ack, int wscale) {
        return new Segment(0, "127.0.0.1", from, "127.0.0.1", to, flags, seq, seq, ack, 65_495, 0, 65_495, wscale);
    }

    private static List<Segment> handshake(long clientIsn, long synAckAck, long serverIsn, long finalAck) {
        return List.of(segment(CLIENT, SERVER, "S", clientIsn, -1, 10),
                segment(SERVER, CLIENT, "S.", serverIsn, synAckAck, 10),
                segment(CLIENT, SERVER, ".", -1, finalAck, -1));
    }

    @Test
    void aRealHandshakeKeepsEveryRelation() {
        List<HandshakeCheck.Finding> f = HandshakeCheck.check(handshake(1000, 1001, 5000, 5001), CLIENT, SERVER, 10);
        assertThat(f).allMatch(HandshakeCheck.Finding::holds);
        assertThat(f.get(0).text()).isEqualTo("SYN+ACK ack 1001 = client ISN 1000 + 1");
    }

    @Test
    void aWrongAckIsReportedAsNotMatching() {
        List<HandshakeCheck.Finding> f = HandshakeCheck.check(handshake(1000, 1000, 5000, 5001), CLIENT, SERVER, 10);
        assertThat(f.get(0).holds()).isFalse();
        assertThat(f.get(0).text()).contains("does NOT match").contains("1001");
        assertThat(HandshakeCheck.check(handshake(1000, 1001, 5000, 5000), CLIENT, SERVER, -1).get(1).holds()).isFalse();
    }

    @Test
    void sequenceNumbersWrapAt2To32() {
        long last = 0xFFFF_FFFFL;
        assertThat(HandshakeCheck.check(handshake(last, 0, 5000, 5001), CLIENT, SERVER, -1))
                .allMatch(HandshakeCheck.Finding::holds);
    }

    @Test
    void anUnexpectedWindowScaleIsReported() {
        List<HandshakeCheck.Finding> f = HandshakeCheck.check(handshake(1000, 1001, 5000, 5001), CLIENT, SERVER, 7);
        assertThat(f.get(2).holds()).isFalse();
        assertThat(f.get(2).text()).contains("does NOT match 7");
    }

    @Test
    void anEmptyCaptureIsAFailureNotASilentPass() {
        List<HandshakeCheck.Finding> f = HandshakeCheck.check(List.of(), CLIENT, SERVER, 10);
        assertThat(f).hasSize(1);
        assertThat(f.get(0).holds()).isFalse();
        assertThat(f.get(0).text()).contains("does NOT match").contains("0 segment(s)");
    }
}
