package tcpip.segmentation.framing;

import java.nio.ByteBuffer;

/** Puts the 4-byte big-endian length in front of a payload: the sender's half of length-prefix framing. */
public final class LengthPrefixEncoder {

    private LengthPrefixEncoder() {
    }

    /** {@code [length][payload]} as one array, ready for a single write(). */
    public static byte[] encode(byte[] payload) {
        return ByteBuffer.allocate(LengthPrefixDecoder.HEADER_BYTES + payload.length)
                .putInt(payload.length).put(payload).array();
    }
}
