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
        long[] nagle = NagleProbe.run(false, requests);
        n.result("TCP_NODELAY off (Nagle on): median " + Narrator.human(NagleClient.median(nagle)) + " per request");
        long[] nodelay = NagleProbe.run(true, requests);
        n.result("TCP_NODELAY on:             median " + Narrator.human(NagleClient.median(nodelay)) + " per request");
        n.note("Nagle holds the small body while the header is unacknowledged; the server's kernel delays that ACK");
        n.note("(at least 40 ms on Linux) hoping to piggyback it on a response, which cannot come before the body");
        n.simplifies("the article says small data may be combined before sending; this is that combining, and its price");
    }
}
