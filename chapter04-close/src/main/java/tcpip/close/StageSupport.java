package tcpip.close;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.narration.Narrator;

/** What every stage of this chapter's demo shares: loopback, the waits, the capture. */
public final class StageSupport {

    /** Longest a stage waits for the kernel (a state, a row gone, a read). */
    public static final Duration WAIT = Duration.ofSeconds(5);
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration CAPTURE_POLL = Duration.ofMillis(100);
    private static final Duration CAPTURE_WAIT = Duration.ofSeconds(2);

    private StageSupport() {
    }

    /** A stage's title in the current language; the article section beside it is an {@code ArticleSection}. */
    public static String title(String stage) {
        return Msg.get("CloseDemo.title." + stage);
    }

    /** tcpdump on {@code port}, or one line that says why there are no packets. */
    public static PacketCapture capture(Narrator n, int port) {
        PacketCapture c = PacketCapture.start(port);
        if (!c.running()) {
            n.note(Msg.get("CloseDemo.noPackets", c.unavailableReason()));
        }
        return c;
    }

    /** Waits (bounded) until the captured segments satisfy {@code done}, one more segment at a time. */
    public static void awaitUntil(PacketCapture c, Predicate<List<Segment>> done, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (c.running() && !done.test(c.segments()) && System.nanoTime() < deadline) {
            c.awaitSegments(c.segments().size() + 1, CAPTURE_POLL); // returns when tcpdump prints more
        }
    }

    /** Stops the capture once {@code expected} segments arrived (bounded) and prints them, {@code client}'s end as the client. */
    public static List<Segment> printSegments(Narrator n, PacketCapture c, int expected, SocketAddress client) {
        if (!c.running()) {
            return List.of();
        }
        c.awaitSegments(expected, CAPTURE_WAIT);
        List<Segment> segs = c.stop();
        if (segs.isEmpty()) {
            n.note(Msg.get("CloseDemo.nothingCaptured"));
        }
        n.segments(segs, (InetSocketAddress) client);
        return segs;
    }
}
