package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LadderTest {

    private static final long C = 1843229918L;
    private static final long S = 3002114570L;

    static Segment seg(double t, boolean fromClient, String flags, long seq, int len, long ack, long win) {
        String a = "127.0.0.1";
        int cp = 45678;
        int sp = 7007;
        long seqEnd = seq < 0 ? -1 : seq + len;
        return fromClient ? new Segment(t, a, cp, a, sp, flags, seq, seqEnd, ack, win, len, -1, -1)
                : new Segment(t, a, sp, a, cp, flags, seq, seqEnd, ack, win, len, -1, -1);
    }

    /** Handshake, one request and reply, then the client closes first. */
    static List<Segment> conversation() {
        List<Segment> l = new ArrayList<>();
        l.add(seg(0.000000, true, "S", C, 0, -1, 65495));
        l.add(seg(0.000010, false, "S.", S, 0, C + 1, 65483));
        l.add(seg(0.000020, true, ".", -1, 0, S + 1, 512));
        l.add(seg(0.001000, true, "P.", C + 1, 6, S + 1, 512));
        l.add(seg(0.001010, false, ".", -1, 0, C + 7, 512));
        l.add(seg(0.001100, false, "P.", S + 1, 6, C + 7, 512));
        l.add(seg(0.001110, true, ".", -1, 0, S + 7, 512));
        l.add(seg(0.002000, true, "F.", C + 7, 0, S + 7, 512));
        l.add(seg(0.002010, false, ".", -1, 0, C + 8, 512));
        l.add(seg(0.002100, false, "F.", S + 7, 0, C + 8, 512));
        l.add(seg(0.002110, true, ".", -1, 0, S + 8, 512));
        return l;
    }

    static List<Segment> bulk(int segments) {
        List<Segment> bulk = new ArrayList<>(conversation().subList(0, 3));
        for (int i = 0; i < segments; i++) {
            bulk.add(seg(0.01 + i * 0.0001, true, "P.", C + 1 + i * 1000L, 1000, S + 1, 512));
            if (i % 4 == 3) {
                bulk.add(seg(0.01 + i * 0.0001 + 0.00005, false, ".", -1, 0, C + 1 + (i + 1) * 1000L, 512));
            }
        }
        return bulk;
    }

    @Test
    void conversationArrowsCarryRelativeNumbersAndTheStatesEachSideEntered() {
        Ladder l = Ladder.of(conversation());
        assertThat(l.client()).isEqualTo("127.0.0.1:45678");
        assertThat(l.server()).isEqualTo("127.0.0.1:7007");
        assertThat(l.roleReason()).isEmpty();
        assertThat(l.arrows()).extracting(Ladder.Arrow::label).containsExactly(
                "SYN seq=0 len=0", "SYN+ACK seq=0 ack=1 len=0", "ACK ack=1 len=0",
                "PSH+ACK seq=1 ack=1 len=6", "ACK ack=7 len=0", "PSH+ACK seq=1 ack=7 len=6", "ACK ack=7 len=0",
                "FIN+ACK seq=7 ack=7 len=0", "ACK ack=8 len=0", "FIN+ACK seq=7 ack=8 len=0", "ACK ack=8 len=0");
        assertThat(l.path(Ladder.Side.CLIENT)).containsExactly(TcpState.CLOSE, TcpState.SYN_SENT,
                TcpState.ESTABLISHED, TcpState.FIN_WAIT1, TcpState.FIN_WAIT2, TcpState.TIME_WAIT);
        assertThat(l.path(Ladder.Side.SERVER)).containsExactly(TcpState.LISTEN, TcpState.SYN_RECV,
                TcpState.ESTABLISHED, TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSE);
        assertThat(l.arrows().get(0).offsetSeconds()).isZero();
        assertThat(l.arrows().get(10).offsetSeconds()).isCloseTo(0.00211, org.assertj.core.data.Offset.offset(1e-9));
        List<String> ascii = l.text(false);
        assertThat(ascii).anySatisfy(line -> assertThat(line).contains("TIME_WAIT |<---- FIN+ACK seq=7 ack=8 len=0 --| LAST_ACK"));
        assertThat(ascii).anySatisfy(line -> assertThat(line).contains("SYN_SENT |-- SYN seq=0 len=0 ----"));
        assertThat(String.join("", ascii)).matches("\\p{ASCII}*");
        assertThat(String.join("\n", l.text(true))).contains("│── SYN seq=0 len=0 ──", "──▶│ SYN_RECV");
    }

    @Test
    void simultaneousCloseGoesThroughClosing() {
        List<Segment> l = new ArrayList<>(conversation().subList(0, 3));
        l.add(seg(0.1, true, "F.", C + 1, 0, S + 1, 512));
        l.add(seg(0.1, false, "F.", S + 1, 0, C + 1, 512)); // crossed: does not ack the client's FIN
        l.add(seg(0.2, true, ".", -1, 0, S + 2, 512));
        l.add(seg(0.2, false, ".", -1, 0, C + 2, 512));
        Ladder ladder = Ladder.of(l);
        assertThat(ladder.path(Ladder.Side.CLIENT)).endsWith(TcpState.FIN_WAIT1, TcpState.CLOSING, TcpState.TIME_WAIT);
        assertThat(ladder.path(Ladder.Side.SERVER)).endsWith(TcpState.FIN_WAIT1, TcpState.CLOSING, TcpState.TIME_WAIT);
    }

    @Test
    void threeSegmentClosePassesFinWait2ForAnInstant() {
        List<Segment> l = new ArrayList<>(conversation().subList(0, 3));
        l.add(seg(0.1, true, "F.", C + 1, 0, S + 1, 512));
        l.add(seg(0.1, false, "F.", S + 1, 0, C + 2, 512)); // acks the client's FIN and carries the server's
        l.add(seg(0.2, true, ".", -1, 0, S + 2, 512));
        Ladder ladder = Ladder.of(l);
        assertThat(ladder.path(Ladder.Side.CLIENT)).endsWith(TcpState.FIN_WAIT1, TcpState.FIN_WAIT2, TcpState.TIME_WAIT);
        assertThat(ladder.path(Ladder.Side.SERVER)).endsWith(TcpState.CLOSE_WAIT, TcpState.LAST_ACK, TcpState.CLOSE);
        assertThat(ladder.arrows().get(4).note()).isEqualTo("ACK and FIN in one segment");
    }

    @Test
    void refusedConnectionNeverShowsSynRecv() {
        Ladder l = Ladder.of(List.of(seg(0, true, "S", C, 0, -1, 65495), seg(0.00001, false, "R.", 0, 0, C + 1, 0)));
        assertThat(l.path(Ladder.Side.SERVER)).containsExactly(TcpState.CLOSE);
        assertThat(l.path(Ladder.Side.CLIENT)).containsExactly(TcpState.CLOSE, TcpState.SYN_SENT, TcpState.CLOSE);
    }

    @Test
    void retransmissionDuplicateAckAndZeroWindowAreNamed() {
        assertThat(Ladder.of(withNotes()).arrows()).extracting(Ladder.Arrow::note).containsExactly("", "", "", "",
                "retransmission", "zero window", "", "", "", "", "", "duplicate ACK");
    }

    /** A handshake, a retransmission, a zero window and a duplicate ACK (also drawn in Korean by KoreanPicturesTest). */
    static List<Segment> withNotes() {
        List<Segment> l = new ArrayList<>(conversation().subList(0, 3));
        l.add(seg(0.1, true, "P.", C + 1, 100, S + 1, 512));
        l.add(seg(0.3, true, "P.", C + 1, 100, S + 1, 512));
        l.add(seg(0.31, false, ".", -1, 0, C + 101, 0));
        l.add(seg(0.32, false, ".", -1, 0, C + 101, 512));
        l.add(seg(0.33, false, ".", -1, 0, C + 101, 512)); // all data acknowledged: not a duplicate ACK
        l.add(seg(0.34, true, "P.", C + 101, 100, S + 1, 512));
        l.add(seg(0.35, true, "P.", C + 201, 100, S + 1, 512));
        l.add(seg(0.36, false, ".", -1, 0, C + 201, 512));
        l.add(seg(0.37, false, ".", -1, 0, C + 201, 512)); // C+201.. still outstanding: a duplicate ACK
        return l;
    }

    @Test
    void longTransfersAreFoldedButEveryArrowIsKept() {
        Ladder l = Ladder.of(bulk(40));
        assertThat(l.arrows()).hasSize(3 + 40 + 10);
        List<Object> rows = l.rows();
        List<Ladder.Fold> folds = rows.stream().filter(Ladder.Fold.class::isInstance).map(Ladder.Fold.class::cast).toList();
        assertThat(folds).hasSize(1);
        int shown = (int) rows.stream().filter(Ladder.Arrow.class::isInstance).count();
        assertThat(shown + folds.get(0).arrows().size()).isEqualTo(l.arrows().size());
        assertThat(l.summary(folds.get(0))).startsWith(folds.get(0).arrows().size() + " segments: ")
                .contains("from client (", " KiB data)", "from server");
        assertThat(l.text(false)).anySatisfy(line -> assertThat(line).contains("... " + folds.get(0).arrows().size() + " segments"));
        assertThat(l.text(true)).anySatisfy(line -> assertThat(line).contains("… " + folds.get(0).arrows().size() + " segments"));
        assertThat(Ladder.of(bulk(5)).rows()).noneMatch(Ladder.Fold.class::isInstance);
    }

    @Test
    void repeatedNotesFoldButTheFirstOfEachKindStaysVisible() {
        List<Segment> l = new ArrayList<>(conversation().subList(0, 3));
        for (int i = 0; i < 30; i++) {
            l.add(seg(0.1 + i, true, "P.", C + 1 + i, 1, S + 1, 512));
            l.add(seg(0.1 + i + 0.01, false, ".", -1, 0, C + 2 + i, 0)); // zero window every time
        }
        Ladder ladder = Ladder.of(l);
        List<Ladder.Arrow> shown = ladder.rows().stream().filter(Ladder.Arrow.class::isInstance)
                .map(Ladder.Arrow.class::cast).toList();
        assertThat(shown.stream().filter(a -> a.note().equals("zero window")).count()).isBetween(1L, 3L);
        assertThat(shown).hasSizeLessThan(15);
        List<Ladder.Fold> folds = ladder.rows().stream().filter(Ladder.Fold.class::isInstance)
                .map(Ladder.Fold.class::cast).toList();
        assertThat(folds).isNotEmpty();
        assertThat(ladder.summary(folds.get(folds.size() - 1))).containsPattern("; \\d+ zero window$");
    }

    @Test
    void hangulLabelsStayAligned() {
        for (boolean unicode : new boolean[] {false, true}) {
            List<String> lines = Ladder.of(bulk(40)).named("클라이언트", "서버").text(unicode);
            String bar = unicode ? "│" : "|";
            List<String> drawn = lines.stream().filter(x -> x.contains(bar)).toList();
            assertThat(drawn).hasSizeGreaterThan(5);
            assertThat(drawn.get(0)).startsWith("클라이언트 127.0.0.1:45678 " + bar);
            int left = TextWidth.of(drawn.get(0).substring(0, drawn.get(0).indexOf(bar)));
            int right = TextWidth.of(drawn.get(0).substring(0, drawn.get(0).lastIndexOf(bar)));
            assertThat(right).isGreaterThan(left);
            for (String line : drawn) {
                assertThat(TextWidth.of(line.substring(0, line.indexOf(bar)))).as(line).isEqualTo(left);
                if (line.indexOf(bar) != line.lastIndexOf(bar)) {
                    assertThat(TextWidth.of(line.substring(0, line.lastIndexOf(bar)))).as(line).isEqualTo(right);
                }
            }
            assertThat(TextWidth.of("클라이언트")).isEqualTo(10);
            assertThat("클라이언트".length()).isEqualTo(5); // why String.length() cannot pad it
        }
    }

    @Test
    void withoutSynTheGuessIsStated() {
        Ladder l = Ladder.of(conversation().subList(3, 11));
        assertThat(l.roleReason()).startsWith("no SYN in this capture: the client is taken to be port");
        assertThat(l.path(Ladder.Side.CLIENT)).startsWith(TcpState.ESTABLISHED);
        assertThat(l.text(false)).anySatisfy(line -> assertThat(line).startsWith("no handshake in this capture"));
        assertThat(l.arrows().get(0).relativeSeq()).isZero(); // relative to the first number seen
    }

    @Test
    void aClientTheProgramKnowsNeedsNoGuess() throws Exception {
        List<Segment> midway = conversation().subList(3, 11); // no SYN: the packets alone cannot tell
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 45678);
        Ladder known = Ladder.of(midway, client);
        assertThat(known.roleReason()).isEmpty();
        assertThat(known.client()).isEqualTo("127.0.0.1:45678");
        assertThat(known.arrows().get(0).from()).isEqualTo(Ladder.Side.CLIENT);
        // Even the wrong way round: a capture whose first packet is the server's.
        Ladder reply = Ladder.of(conversation().subList(5, 11), new InetSocketAddress(45678));
        assertThat(reply.roleReason()).isEmpty();
        assertThat(reply.arrows().get(0).from()).isEqualTo(Ladder.Side.SERVER);
        assertThat(reply.server()).isEqualTo("127.0.0.1:7007");
        // A client that is not in the capture changes nothing.
        assertThat(Ladder.of(midway, new InetSocketAddress(client.getAddress(), 1)).roleReason())
                .isEqualTo(Ladder.of(midway).roleReason());
    }

    @Test
    void aKnownClientPicksItsOwnConnectionFromSeveral() {
        List<Segment> two = new ArrayList<>(conversation());
        for (Segment s : conversation()) { // a second connection from port 45679
            two.add(new Segment(s.time() + 1, s.src(), s.srcPort() == 45678 ? 45679 : s.srcPort(), s.dst(),
                    s.dstPort() == 45678 ? 45679 : s.dstPort(), s.flags(), s.seq(), s.seqEnd(), s.ack(), s.window(),
                    s.length(), s.mss(), s.wscale()));
        }
        assertThat(Ladder.of(two).client()).isEqualTo("127.0.0.1:45678");
        Ladder second = Ladder.of(two, new InetSocketAddress(InetAddress.getLoopbackAddress(), 45679));
        assertThat(second.client()).isEqualTo("127.0.0.1:45679");
        assertThat(second.arrows()).hasSize(11);
        assertThat(second.otherConnections()).isEqualTo(1);
    }

    @Test
    void stateDiagramHighlightsAndNumbersBothPaths() {
        StateDiagram d = StateDiagram.of(Ladder.of(conversation()));
        assertThat(d.visited()).containsEntry("FIN_WAIT1", List.of("c4")).containsEntry("FIN_WAIT2", List.of("c5"))
                .containsEntry("TIME_WAIT", List.of("c6")).containsEntry("CLOSE_WAIT", List.of("s4"))
                .containsEntry("LAST_ACK", List.of("s5")).containsEntry("ESTABLISHED", List.of("c3", "s3"))
                .containsEntry("CLOSED_START", List.of("c1")).containsEntry("CLOSED_END", List.of("s6"))
                .doesNotContainKey("CLOSING");
        List<String> ascii = d.text(false);
        assertThat(String.join("\n", ascii)).contains("#  TIME_WAIT  #", "#= c6 ========#", "|   CLOSING   |",
                "client: 1 CLOSE -> 2 SYN_SENT -> 3 ESTABLISHED -> 4 FIN_WAIT1 -> 5 FIN_WAIT2 -> 6 TIME_WAIT");
        assertThat(String.join("", ascii)).matches("\\p{ASCII}*");
        assertThat(String.join("\n", d.text(true))).contains("║  TIME_WAIT  ║", "│   CLOSING   │");
    }

    @Test
    void svgPicturesAreWellFormedXml() throws Exception {
        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        for (String svg : List.of(Ladder.of(bulk(40)).named("클라이언트", "서버").svg("a"),
                TimeSequenceGraph.of(bulk(40)).svg("b"))) {
            var doc = factory.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
                    svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(doc.getDocumentElement().getTagName()).isEqualTo("svg");
        }
        assertThat(TimeSequenceGraph.of(bulk(40)).dataBytes()).isEqualTo(40_000);
        assertThat(TimeSequenceGraph.of(bulk(40)).svg("b")).contains("class=\"data\"", "class=\"ack\"",
                "class=\"window\"");
    }
}
