package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tcpip.kernel.Segment;
import tcpip.testing.LadderHeaders;

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

    /** Both ports in the ephemeral range, no SYN, and the server speaks first: the packets alone cannot tell. */
    private static final int CLIENT = 40000;
    private static final int SERVER = 45000;

    private static Segment mid(boolean fromClient, int clientPort, String flags, long seq, int len, long ack) {
        String a = "127.0.0.1";
        long end = seq < 0 ? -1 : seq + len;
        return fromClient ? new Segment(1.0, a, clientPort, a, SERVER, flags, seq, end, ack, 512, len, -1, -1)
                : new Segment(1.0, a, SERVER, a, clientPort, flags, seq, end, ack, 512, len, -1, -1);
    }

    /** A zero window from the reader (the server), then the writing client's probe and more data. */
    private static List<Segment> serverSpeaksFirst(int clientPort) {
        return List.of(mid(false, clientPort, ".", -1, 0, 5001), mid(true, clientPort, "P.", 5001, 1000, 901),
                mid(false, clientPort, ".", -1, 0, 6001), mid(true, clientPort, "P.", 6001, 1000, 901));
    }

    @Test
    void aClientTheProgramKnowsIsTheClientAndNothingIsGuessed() {
        n.ladder(serverSpeaksFirst(CLIENT), new InetSocketAddress(CLIENT));
        assertThat(LadderHeaders.of(text())).singleElement().satisfies(h -> {
            assertThat(h.clientPort()).as("the writer the program named is the client").isEqualTo(CLIENT);
            assertThat(h.serverPort()).isEqualTo(SERVER);
        });
        assertThat(LadderHeaders.guesses(text())).isEmpty();
        assertThat(text()).contains("|-- PSH+ACK seq=0 ack=0 len=1000 --"); // the client's data goes right
    }

    @Test
    void aCaptureNobodyKnowsTheClientOfStillSaysItGuessed() {
        n.ladder(serverSpeaksFirst(CLIENT));
        assertThat(LadderHeaders.guesses(text())).as("the guess is said under the ladder").hasSize(1);
        // A client the capture does not hold changes nothing: the ladder still says how it chose.
        buf.reset();
        n.ladder(serverSpeaksFirst(CLIENT), new InetSocketAddress(1));
        assertThat(LadderHeaders.guesses(text())).hasSize(1);
    }

    @Test
    void aKnownClientsConnectionIsDrawnAndTheOthersCounted() {
        List<Segment> two = new ArrayList<>(serverSpeaksFirst(CLIENT + 1));
        two.addAll(serverSpeaksFirst(CLIENT));
        n.ladder(two, new InetSocketAddress(CLIENT));
        assertThat(LadderHeaders.of(text())).singleElement().satisfies(h -> assertThat(h.clientPort()).isEqualTo(CLIENT));
        assertThat(text()).contains("ladder  | drawn from the 4 captured packet(s) of connection 2 of 2",
                "ladder  | 1 more connection(s) in this capture not drawn");
        assertThat(LadderHeaders.guesses(text())).isEmpty();
    }

    @Test
    void theReportsLadderNamesTheKnownClientToo(@TempDir Path dir) throws Exception {
        Report report = new Report("NarratorPicturesTest");
        n.report(report);
        report.begin(new Stage("zero-window", "데이터 송수신", "a zero window", x -> { }));
        n.ladder(serverSpeaksFirst(CLIENT), new InetSocketAddress(CLIENT));
        report.end();
        report.write(dir.resolve("report.html")); // also stops listening for captures
        assertThat(Files.readString(dir.resolve("report.html"))).contains("between 127.0.0.1:" + CLIENT + " and 127.0.0.1:" + SERVER + "</figcaption>")
                .doesNotContain(LadderHeaders.GUESS);
    }

    @Test
    void aCaptureStartedOnTheServersPortNamesTheOtherEndClient() {
        List<Segment> two = new ArrayList<>(serverSpeaksFirst(CLIENT + 1));
        two.addAll(serverSpeaksFirst(CLIENT));
        LadderChoice choice = LadderChoice.ofServer(two, SERVER, Narrator.MAX_LADDERS);
        assertThat(choice.drawn()).extracting(d -> d.ladder().client())
                .containsExactly("127.0.0.1:" + (CLIENT + 1), "127.0.0.1:" + CLIENT);
        assertThat(choice.drawn()).allSatisfy(d -> assertThat(d.ladder().roleReason()).isEmpty());
    }
}
