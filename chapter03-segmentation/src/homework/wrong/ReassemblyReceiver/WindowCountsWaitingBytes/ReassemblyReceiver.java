package tcpip.segmentation.homework;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * WRONG (test fixture: subtracts the bytes waiting for a gap from the window too; the window starts at the ACK number, and those bytes lie inside it).
 * Exercise (reference solution): the receiving side of SEQ/ACK (데이터 송수신: the receiver puts
 * segments back in order by their sequence numbers). Segments arrive out of order, overlapping,
 * duplicated, with FIN before the gap is filled; the receiver keeps at most {@code capacity}
 * bytes (unread plus waiting), and sequence numbers are 32 bits and wrap around.
 */
public final class ReassemblyReceiver {

    private static final long MOD = 1L << 32;

    private final long isn;
    private final int capacity;
    private final Map<Long, Byte> waiting = new HashMap<>(); // stream index -> byte that arrived early
    private final ByteArrayOutputStream unread = new ByteArrayOutputStream();
    private long next; // stream index of the next byte expected (0 = the first data byte)
    private long readUpTo; // stream index of the first byte not yet taken by read()
    private long finAt = -1; // stream index at which the FIN sits, once known

    /** A receiver whose peer's SYN had sequence number {@code isn} (0 .. 2^32-1), holding at most {@code capacity} bytes. */
    public ReassemblyReceiver(long isn, int capacity) {
        this.isn = isn;
        this.capacity = capacity;
    }

    /**
     * Takes one segment and returns the ACK number to send back (32 bits).
     *
     * @param seq     sequence number of the first payload byte (32 bits)
     * @param payload the data (may be empty)
     * @param fin     true if FIN follows the payload (it takes the sequence number seq + payload.length)
     */
    public long onSegment(long seq, byte[] payload, boolean fin) {
        long first = unwrap(seq) - 1; // absolute seq 0 is the SYN, so data byte i has absolute seq i + 1
        long limit = readUpTo + capacity; // first stream index that no longer fits
        for (int i = 0; i < payload.length; i++) {
            long at = first + i;
            if (at >= next && at < limit) {
                waiting.putIfAbsent(at, payload[i]);
            }
        }
        if (fin && first + payload.length <= limit) {
            finAt = first + payload.length;
        }
        while (waiting.containsKey(next)) {
            unread.write(waiting.remove(next));
            next++;
        }
        return ack();
    }

    /** The ACK number: next byte expected, +1 once the FIN is in order; wrapped to 32 bits. */
    public long ack() {
        long absolute = next + 1 + (finished() ? 1 : 0);
        return (isn + absolute) % MOD;
    }

    /** Room left: capacity minus bytes held (unread or waiting for a gap), the window to advertise. */
    public int window() {
        return (int) (capacity - (next - readUpTo) - waiting.size()); // unread AND waiting bytes take room
    }

    /** Takes the bytes delivered in order so far and frees their room. */
    public byte[] read() {
        byte[] bytes = unread.toByteArray();
        unread.reset();
        readUpTo += bytes.length;
        return bytes;
    }

    /** True once the FIN arrived and every byte before it is in order. */
    public boolean finished() {
        return finAt >= 0 && next == finAt;
    }

    /** The absolute sequence number (SYN = 0) closest to the next one expected. */
    private long unwrap(long seq) {
        long offset = Math.floorMod(seq - isn, MOD);
        long checkpoint = next + 1;
        long candidate = (checkpoint & ~(MOD - 1)) + offset;
        if (candidate > checkpoint + MOD / 2 && candidate >= MOD) {
            candidate -= MOD;
        } else if (candidate + MOD / 2 < checkpoint) {
            candidate += MOD;
        }
        return candidate;
    }
}
