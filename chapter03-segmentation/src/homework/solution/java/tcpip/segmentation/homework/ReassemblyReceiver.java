package tcpip.segmentation.homework;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * Homework: the receiving side of the SEQ/ACK model. Segments may arrive lost (never),
 * duplicated or out of order; the receiver hands its program the bytes in order and answers
 * every segment with ACK = the next byte it expects (SYN and FIN each count as one byte).
 */
public final class ReassemblyReceiver {

    private final TreeMap<Long, byte[]> early = new TreeMap<>();
    private final ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    private long next;
    private long finAt = -1;

    /** A receiver whose peer's SYN had sequence number {@code synSeq}. */
    public ReassemblyReceiver(long synSeq) {
        this.next = synSeq + 1; // the SYN used one sequence number
    }

    /**
     * Takes one segment and returns the ACK number to send back.
     *
     * @param seq     first sequence number of the segment
     * @param payload its data (may be empty)
     * @param fin     true if FIN follows the payload (FIN's number is seq + payload.length)
     */
    public long onSegment(long seq, byte[] payload, boolean fin) {
        if (fin) {
            finAt = seq + payload.length;
        }
        if (seq + payload.length > next) {
            early.merge(seq, payload, (a, b) -> a.length >= b.length ? a : b);
        }
        while (!early.isEmpty() && early.firstKey() <= next) {
            Map.Entry<Long, byte[]> e = early.pollFirstEntry();
            long skip = next - e.getKey();
            byte[] data = e.getValue();
            if (skip < data.length) {
                delivered.write(data, (int) skip, (int) (data.length - skip));
                next = e.getKey() + data.length;
            }
        }
        if (finAt >= 0 && next == finAt) {
            next = finAt + 1; // the FIN used one sequence number
        }
        return next;
    }

    /** The bytes delivered to the program so far, in order, each once. */
    public byte[] delivered() {
        return delivered.toByteArray();
    }
}
