package tcpip.segmentation.nagle;

import java.util.List;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.StageSupport;

/** 데이터 송수신 with small writes: Nagle + delayed ACK against TCP_NODELAY. */
public final class NagleStages {

    private NagleStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("nagle", StageSupport.SECTION, "Nagle + delayed ACK vs. TCP_NODELAY", NagleStages::nagle));
    }

    static void nagle(Narrator n) throws Exception {
        int requests = 9;
        n.code(NagleCore.class, "request");
        n.program("client: the request above, " + requests + " times, with TCP_NODELAY off and then on");
        NagleProbe.Captured captured = NagleProbe.runCaptured(false, requests);
        long[] nagle = captured.nanos();
        n.result("TCP_NODELAY off (Nagle on): median " + Narrator.human(NagleClient.median(nagle)) + " per request");
        long[] nodelay = NagleProbe.run(true, requests);
        n.result("TCP_NODELAY on:             median " + Narrator.human(NagleClient.median(nodelay)) + " per request");
        n.program("the packets of the slowest request with Nagle on (header, the wait, body, answer):");
        List<tcpip.kernel.Segment> slowest = slowestRequest(captured.segments(), captured.serverPort());
        n.segments(slowest);
        if (slowest.size() >= 3 && slowest.get(0).length() > 0) {
            tcpip.kernel.Segment header = slowest.get(0);
            slowest.stream().filter(s -> s.srcPort() == captured.serverPort() && s.ack() >= header.seq() + header.length())
                    .findFirst().ifPresent(ack -> n.result(String.format(
                            "from the capture: the server's ACK of the header left %.1f ms after it (the delayed ACK),"
                                    + " and only then did the body go", (ack.time() - header.time()) * 1000)));
        }
        n.note("Nagle holds the small body while the header is unacknowledged; the server's kernel delays that ACK");
        n.note("hoping to piggyback it on a response, which cannot come before the body (Linux waits at least 40 ms,");
        n.note("less at the start of a connection, where it ACKs at once: the first requests are fast)");
        n.simplifies("the article says small data may be combined before sending; this is that combining, and its price");
    }

    /**
     * The slowest request of the capture, header to answer: the largest gap between two of the
     * client's data segments is the body waiting for the header's (delayed) ACK. (The first
     * requests of a new connection are often fast: the receiver ACKs at once while in quick-ACK
     * mode, so a ladder of request 1 would not show the stall.)
     */
    private static List<tcpip.kernel.Segment> slowestRequest(List<tcpip.kernel.Segment> all, int serverPort) {
        int header = -1;
        int body = -1;
        double worst = -1;
        int previous = -1;
        for (int i = 0; i < all.size(); i++) {
            tcpip.kernel.Segment s = all.get(i);
            if (s.length() > 0 && s.dstPort() == serverPort) {
                if (previous >= 0 && s.time() - all.get(previous).time() > worst) {
                    worst = s.time() - all.get(previous).time();
                    header = previous;
                    body = i;
                }
                previous = i;
            }
        }
        if (header < 0) {
            return all;
        }
        int end = body;
        for (int i = body + 1; i < all.size() && i <= body + 3; i++) { // the ACK, the answer, its ACK
            end = i;
            if (all.get(i).length() > 0 && all.get(i).srcPort() == serverPort) {
                end = Math.min(all.size() - 1, i + 1);
                break;
            }
        }
        return all.subList(header, end + 1);
    }
}
