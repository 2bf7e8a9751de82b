package tcpip.segmentation.nagle;

import java.time.Duration;
import java.util.List;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;
import tcpip.kernel.Segment;

/** 데이터 송수신 with small writes: Nagle + delayed ACK against TCP_NODELAY. */
public final class NagleStages {

    private NagleStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("nagle", StageSupport.SECTION, Msg.get("NagleStages.title"), NagleStages::nagle));
    }

    static void nagle(Narrator n) throws Exception {
        int requests = 9;
        n.code(NagleCore.class, "request");
        n.program(Msg.get("NagleStages.program", requests));
        NagleProbe.Captured captured = NagleProbe.runCaptured(false, requests);
        long[] nagle = captured.nanos();
        n.result(Msg.get("NagleStages.median.off", Narrator.human(NagleClient.median(nagle))));
        long[] nodelay = NagleProbe.run(true, requests);
        n.result(Msg.get("NagleStages.median.on", Narrator.human(NagleClient.median(nodelay))));
        n.program(Msg.get("NagleStages.slowest"));
        List<Segment> slowest = slowestRequest(captured.segments(), captured.serverPort());
        n.segments(slowest, captured.client());
        if (slowest.size() >= 3 && slowest.get(0).length() > 0) {
            n.result(delayedAck(slowest, captured.serverPort(), NagleClient.median(nodelay)));
        }
        n.note(Msg.get("NagleStages.why1"));
        n.note(Msg.get("NagleStages.why2"));
        n.note(Msg.get("NagleStages.why3"));
        n.simplifies(Msg.get("NagleStages.article"));
    }

    /**
     * What the capture says about the slowest request: the delayed-ACK story holds when the server's first
     * ACK of the header is a pure ACK, held back well beyond a round trip without Nagle ({@code nodelay},
     * measured just before), and the body left only after it; otherwise the line says it does not match.
     */
    static String delayedAck(List<Segment> request, int serverPort, Duration nodelay) {
        Segment header = request.get(0);
        long next = header.seq() + header.length();
        Segment ack = request.stream().filter(s -> s.srcPort() == serverPort && s.ack() >= next).findFirst().orElse(null);
        Segment body = request.stream().filter(s -> s.srcPort() != serverPort && s.seq() == next && s.length() > 0)
                .findFirst().orElse(null);
        if (ack == null || body == null) {
            return Msg.get("NagleStages.delayedAck.incomplete");
        }
        String ackMs = String.format("%.1f", (ack.time() - header.time()) * 1000);
        String bodyMs = String.format("%.1f", (body.time() - header.time()) * 1000);
        boolean heldBack = (ack.time() - header.time()) * 1e9 > HELD_BACK_ROUND_TRIPS * nodelay.toNanos();
        return ack.length() == 0 && heldBack && body.time() >= ack.time()
                ? Msg.get("NagleStages.delayedAck", ackMs)
                : Msg.get("NagleStages.delayedAck.notMatch", ackMs, bodyMs);
    }

    /** An ACK this many no-Nagle round trips late was held back on purpose, not slowed by the machine. */
    private static final int HELD_BACK_ROUND_TRIPS = 4;

    /**
     * The slowest request of the capture, header to answer: the largest gap between two of the
     * client's data segments is the body waiting for the header's (delayed) ACK. (The first
     * requests of a new connection are often fast: the receiver ACKs at once while in quick-ACK
     * mode, so a ladder of request 1 would not show the stall.)
     */
    private static List<Segment> slowestRequest(List<Segment> all, int serverPort) {
        int header = -1;
        int body = -1;
        double worst = -1;
        int previous = -1;
        for (int i = 0; i < all.size(); i++) {
            Segment s = all.get(i);
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
                // and the segment that acknowledges the answer, unless it already closes (the last request)
                boolean next = i + 1 < all.size() && !all.get(i + 1).fin() && !all.get(i + 1).rst();
                end = next ? i + 1 : i;
                break;
            }
        }
        return all.subList(header, end + 1);
    }
}
