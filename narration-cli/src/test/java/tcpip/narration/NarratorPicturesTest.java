package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import tcpip.kernel.Segment;

class NarratorPicturesTest {

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final Narrator n = new Narrator(new PrintStream(buf, true, StandardCharsets.UTF_8));

    private static Segment seg(boolean fromClient, String flags, long seq, int len, long ack) {
        String a = "127.0.0.1";
        long end = seq < 0 ? -1 : seq + len;
        return fromClient ? new Segment(1.0, a, 40000, a, 7007, flags, seq, end, ack, 512, len, -1, -1)
                : new Segment(1.0, a, 7007, a, 40000, flags, seq, end, ack, 512, len, -1, -1);
    }

    private String text() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void noPacketsIsOneLineSayingWhy() {
        n.segments(List.of());
        // A capture that ran and saw nothing; or, where nothing can capture, why there are no packets.
        assertThat(text().lines().toList()).singleElement().asString().satisfiesAnyOf(
                l -> assertThat(l).startsWith("  ladder  | no ladder diagram: "),
                l -> assertThat(l).startsWith("  note    | packets not shown: "));
    }

    @Test
    void aReasonIsSaidOnceAndNotRepeatedByLaterLines() {
        n.packetsNotShown("tcpdump could not capture (denied)");
        n.packetsNotShown("tcpdump could not capture (denied)");
        n.note("no packets shown: tcpdump could not capture (denied)");
        n.note("the rows above still hold");
        assertThat(text().lines().toList()).containsExactly(
                "  note    | packets not shown: tcpdump could not capture (denied)",
                "  note    | the rows above still hold");
        assertThat(n.skipped()).singleElement().satisfies(s -> assertThat(s.packets()).isTrue());
        n.section("데이터 송수신", "next stage");
        n.packetsNotShown("tcpdump could not capture (denied)");
        assertThat(text()).contains("=== 데이터 송수신 (next stage) ===\n  note    | packets not shown: ");
    }

    @Test
    void handshakeGetsLadderAndStateDiagramInAsciiWhenNotATerminal() {
        n.segments(List.of(seg(true, "S", 100, 0, -1), seg(false, "S.", 900, 0, 101), seg(true, ".", -1, 0, 901)));
        assertThat(text()).contains("  packet  | 40000 > 7007  SYN", "|-- SYN seq=0 len=0 --",
                "client: 1 CLOSE -> 2 SYN_SENT -> 3 ESTABLISHED").doesNotContain("│", "▶");
    }

    @Test
    void dataOnlyGetsALadderButNoStateDiagram() {
        n.unicode(true).segments(List.of(seg(true, "P.", 101, 5, 901), seg(false, ".", -1, 0, 106)));
        assertThat(text()).contains("│── PSH+ACK seq=0 ack=0 len=5 ──", "no SYN in this capture")
                .doesNotContain("client: 1");
    }
}
