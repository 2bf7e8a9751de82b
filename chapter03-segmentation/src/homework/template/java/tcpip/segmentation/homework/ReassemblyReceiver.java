package tcpip.segmentation.homework;

/**
 * Exercise: the receiving side of SEQ/ACK (데이터 송수신: the receiver puts segments back in order
 * by their sequence numbers), in the style of Stanford CS144's reassembler.
 *
 * <p>Segments arrive out of order, overlapping (a retransmission may be cut differently from the
 * original), duplicated, with FIN before the gap is filled. The receiver holds at most
 * {@code capacity} bytes, counting bytes delivered but not yet read AND bytes waiting for a gap:
 * a byte whose stream index is at or beyond (first unread index + capacity) is dropped. Sequence
 * numbers are 32 bits: after 2^32 - 1 comes 0. The SYN takes sequence number isn, so the first
 * data byte is isn + 1; the FIN takes one number after the last byte, and no room: it counts
 * when every byte of its segment fits, even if the last one fills the capacity exactly.
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation ReassemblyReceiver}
 */
public final class ReassemblyReceiver {

    /** A receiver whose peer's SYN had sequence number {@code isn} (0 .. 2^32-1), holding at most {@code capacity} bytes. */
    public ReassemblyReceiver(long isn, int capacity) {
        // TODO: remember isn and capacity; nothing has arrived yet
    }

    /**
     * Takes one segment and returns the ACK number to send back (32 bits).
     *
     * @param seq     sequence number of the first payload byte (32 bits)
     * @param payload the data (may be empty)
     * @param fin     true if FIN follows the payload (it takes the sequence number seq + payload.length)
     */
    public long onSegment(long seq, byte[] payload, boolean fin) {
        // TODO 1: turn the 32-bit seq into a 64-bit stream index (the value closest to the next byte expected).
        // TODO 2: keep every NEW byte that fits the capacity, even from a segment that starts before the next expected byte.
        // TODO 3: deliver what is now in order; remember where the FIN is; return ack().
        throw new UnsupportedOperationException("TODO: store the segment's new bytes, deliver what is in order, return the ACK");
    }

    /** The ACK number: next byte expected, +1 once the FIN is in order; wrapped to 32 bits. */
    public long ack() {
        throw new UnsupportedOperationException("TODO: (isn + 1 + bytes in order + (FIN in order ? 1 : 0)) mod 2^32");
    }

    /**
     * The window to advertise: capacity minus the bytes delivered but not yet read. It starts at the ACK
     * number, so bytes waiting for a gap lie inside it and do not shrink it.
     */
    public int window() {
        throw new UnsupportedOperationException("TODO: capacity minus the bytes delivered but not read yet");
    }

    /** Takes the bytes delivered in order so far and frees their room. */
    public byte[] read() {
        throw new UnsupportedOperationException("TODO: return and forget the bytes delivered in order so far");
    }

    /** True once the FIN arrived and every byte before it is in order. */
    public boolean finished() {
        throw new UnsupportedOperationException("TODO: the FIN is known and every byte before it is in order");
    }
}
