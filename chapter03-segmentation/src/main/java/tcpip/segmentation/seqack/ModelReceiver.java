package tcpip.segmentation.seqack;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * MODEL of a TCP receiver (not the kernel's code): keeps segments that arrive early, hands the
 * program the bytes in sequence order, and answers every segment with a cumulative ACK = the
 * next byte it expects. Sequence numbers are plain longs here; the real header keeps them
 * modulo 2^32.
 */
public final class ModelReceiver {

    /** What the receiver did with one segment. */
    public enum Outcome { IN_ORDER, OUT_OF_ORDER, DUPLICATE }

    private final TreeMap<Long, byte[]> early = new TreeMap<>();
    private final ByteArrayOutputStream delivered = new ByteArrayOutputStream();
    private long expected;
    private long finSeq = -1;
    private boolean finReceived;
    private Outcome last;

    /** A receiver whose peer's SYN carried {@code synSeq}: the SYN takes that one number. */
    public ModelReceiver(long synSeq) {
        this.expected = synSeq + 1; // SYN and FIN each use one sequence number: the +1
    }

    /**
     * Takes one data (or FIN) segment and returns the ACK number to send back.
     *
     * @param seq     the segment's first sequence number
     * @param payload its data (empty for a bare FIN)
     * @param fin     true if the segment carries FIN (after its payload)
     */
    public long onSegment(long seq, byte[] payload, boolean fin) {
        if (fin) {
            finSeq = seq + payload.length;
        }
        long end = seq + payload.length;
        if (end <= expected && !(fin && finSeq == expected && !finReceived)) {
            last = Outcome.DUPLICATE; // everything in it was delivered already: ACK again
        } else if (seq > expected) {
            early.putIfAbsent(seq, payload); // a gap before it: keep it, ACK the gap's start
            last = Outcome.OUT_OF_ORDER;
        } else {
            deliver(seq, payload);
            last = Outcome.IN_ORDER;
            // the gap is filled: pull in every kept segment that now fits
            while (!early.isEmpty() && early.firstKey() <= expected) {
                Map.Entry<Long, byte[]> next = early.pollFirstEntry();
                deliver(next.getKey(), next.getValue());
            }
        }
        if (finSeq >= 0 && !finReceived && expected == finSeq) {
            finReceived = true;
            expected += 1; // the FIN takes one sequence number
        }
        return expected;
    }

    private void deliver(long seq, byte[] payload) {
        long skip = expected - seq; // bytes of this segment we already have
        if (skip < payload.length) {
            delivered.write(payload, (int) skip, (int) (payload.length - skip));
            expected = seq + payload.length;
        }
    }

    /** ACK = the next byte expected. */
    public long ack() {
        return expected;
    }

    /** The bytes handed to the program so far, in order. */
    public byte[] delivered() {
        return delivered.toByteArray();
    }

    /** Segments kept because they arrived before a gap was filled. */
    public int buffered() {
        return early.size();
    }

    /** Payload bytes kept beyond a gap: what a SACK block would report. */
    public long bufferedBytes() {
        return early.values().stream().mapToLong(b -> b.length).sum();
    }

    /** True once the FIN arrived in order. */
    public boolean finReceived() {
        return finReceived;
    }

    /** What happened to the last segment. */
    public Outcome lastOutcome() {
        return last;
    }
}
