package tcpip.segmentation.homework;

/**
 * Homework: the receiving side of the SEQ/ACK model. Segments may arrive duplicated or out of
 * order; the receiver hands its program the bytes in order and answers every segment with
 * ACK = the next byte it expects (SYN and FIN each count as one byte).
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation ReassemblyReceiver}. Try it on your
 * own before reading tcpip.segmentation.ModelReceiver, which does the same job.
 */
public final class ReassemblyReceiver {

    /** A receiver whose peer's SYN had sequence number {@code synSeq}. */
    public ReassemblyReceiver(long synSeq) {
        // Hint: the first data byte's number is synSeq + 1 (the SYN used one number).
    }

    /**
     * Takes one segment and returns the ACK number to send back.
     *
     * @param seq     first sequence number of the segment
     * @param payload its data (may be empty)
     * @param fin     true if FIN follows the payload (FIN's number is seq + payload.length)
     */
    public long onSegment(long seq, byte[] payload, boolean fin) {
        // Hints: keep segments that start after the next expected byte (a TreeMap by seq works);
        // deliver the part of a segment you do not have yet; after a gap is filled, deliver every
        // kept segment that now fits; ACK = next expected byte = last delivered seq + length,
        // plus 1 once the FIN itself is reached.
        throw new UnsupportedOperationException("TODO: reassemble in order and return ACK = next expected byte");
    }

    /** The bytes delivered to the program so far, in order, each once. */
    public byte[] delivered() {
        throw new UnsupportedOperationException("TODO: return the bytes delivered so far");
    }
}
