package tcpip.lifecycle.handshake;


import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import tcpip.kernel.Segment;
import tcpip.lifecycle.Msg;

/**
 * Checks the numbers of a captured handshake instead of stating them (Three way handshake): each
 * relation is computed from the segments, and a capture that breaks it says "does NOT match".
 */
public final class HandshakeCheck {

    /** One relation and whether the capture keeps it. */
    public record Finding(boolean holds, String text) {
    }

    private HandshakeCheck() {
    }

    /**
     * The relations of the handshake between {@code clientPort} and {@code serverPort}: SYN+ACK's
     * ack = client ISN + 1, final ACK's ack = server ISN + 1, and the window scale our SYN
     * announced against the one computed from this kernel's settings ({@code expectedWscale}, or
     * -1 to skip that check).
     */
    public static List<Finding> check(List<Segment> segments, int clientPort, int serverPort, int expectedWscale) {
        List<Finding> findings = new ArrayList<>();
        Optional<Segment> syn = first(segments, clientPort, serverPort, s -> s.syn() && !s.hasAck());
        Optional<Segment> synAck = first(segments, serverPort, clientPort, s -> s.syn() && s.hasAck());
        Optional<Segment> ack = first(segments, clientPort, serverPort, s -> !s.syn() && s.hasAck() && !s.rst());
        if (syn.isEmpty() || synAck.isEmpty() || ack.isEmpty()) {
            findings.add(new Finding(false, Msg.get("HandshakeCheck.incomplete", segments.size())));
            return findings;
        }
        long clientIsn = syn.get().seq();
        long serverIsn = synAck.get().seq();
        findings.add(relation(synAck.get().ack(), clientIsn, "HandshakeCheck.synAck.holds",
                "HandshakeCheck.synAck.differs"));
        findings.add(relation(ack.get().ack(), serverIsn, "HandshakeCheck.finalAck.holds",
                "HandshakeCheck.finalAck.differs"));
        if (expectedWscale >= 0) {
            int announced = syn.get().wscale();
            findings.add(new Finding(announced == expectedWscale, Msg.get(announced == expectedWscale
                    ? "HandshakeCheck.wscale.matches" : "HandshakeCheck.wscale.differs", announced, expectedWscale)));
        }
        return findings;
    }

    /** {@code ack} against {@code isn + 1}, said by sentence {@code holdsKey} or {@code differsKey}. */
    private static Finding relation(long ack, long isn, String holdsKey, String differsKey) {
        long expected = next(isn);
        boolean holds = ack == expected;
        return new Finding(holds, holds ? Msg.get(holdsKey, ack, isn) : Msg.get(differsKey, ack, isn, expected));
    }

    /** Sequence numbers wrap at 2^32. */
    private static long next(long seq) {
        return (seq + 1) & 0xFFFF_FFFFL;
    }

    private static Optional<Segment> first(List<Segment> segments, int fromPort, int toPort,
            Predicate<Segment> kind) {
        return segments.stream().filter(s -> s.srcPort() == fromPort && s.dstPort() == toPort && kind.test(s))
                .findFirst();
    }
}
