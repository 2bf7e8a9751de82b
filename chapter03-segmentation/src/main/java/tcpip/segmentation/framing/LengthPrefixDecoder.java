package tcpip.segmentation.framing;

import java.util.ArrayList;
import java.util.List;
import tcpip.segmentation.Msg;

/**
 * Cuts a TCP byte stream into frames of {@code [4-byte big-endian length][payload]}. Feed it
 * whatever each read() returned, however the kernel split it; a length split across reads is
 * put together first, and a bad length is rejected before a single payload byte is allocated.
 * A server that only needs each frame's length uses {@link #lengths}: the payload bytes are
 * counted and dropped, so its memory is the same whatever length a client declares.
 */
public final class LengthPrefixDecoder {

    /** Bytes of the length prefix (a big-endian int, like DataOutputStream.writeInt). */
    public static final int HEADER_BYTES = 4;
    /** The largest payload accepted unless told otherwise: 1 MiB. */
    public static final int DEFAULT_MAX_FRAME = 1 << 20;

    private final int maxFrame;
    private final byte[] header = new byte[HEADER_BYTES];
    private int headerFilled;
    private byte[] payload;
    private int payloadFilled;
    private int payloadLength = -1;
    private String failure;

    /** A decoder that accepts payloads of at most {@value #DEFAULT_MAX_FRAME} bytes. */
    public LengthPrefixDecoder() {
        this(DEFAULT_MAX_FRAME);
    }

    /** A decoder that accepts payloads of 0 to {@code maxFrame} bytes. */
    public LengthPrefixDecoder(int maxFrame) {
        if (maxFrame < 0) {
            throw new IllegalArgumentException("maxFrame must not be negative: " + maxFrame);
        }
        this.maxFrame = maxFrame;
    }

    /** The largest payload this decoder accepts. */
    public int maxFrame() {
        return maxFrame;
    }

    /**
     * Takes the next {@code len} bytes of the stream and returns every frame they complete
     * (none, one or many).
     *
     * @throws FrameException if a length prefix is negative or larger than the maximum; the
     *                        decoder is then unusable (the stream has lost its framing)
     */
    public List<byte[]> feed(byte[] data, int off, int len) throws FrameException {
        List<byte[]> frames = new ArrayList<>();
        decode(data, off, len, true, frames, null);
        return frames;
    }

    /**
     * Like {@link #feed(byte[], int, int)}, but keeps no payload: returns the length of every frame
     * the bytes complete. Memory stays at the 4 header bytes whatever length a client declares.
     *
     * @throws FrameException on a negative or too large length, as {@link #feed} does
     */
    public List<Integer> lengths(byte[] data, int off, int len) throws FrameException {
        List<Integer> lengths = new ArrayList<>();
        decode(data, off, len, false, null, lengths);
        return lengths;
    }

    private void decode(byte[] data, int off, int len, boolean keep, List<byte[]> frames, List<Integer> lengths)
            throws FrameException {
        if (failure != null) {
            throw new IllegalStateException("decoder already failed: " + failure);
        }
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (payloadLength < 0) {
                int n = Math.min(HEADER_BYTES - headerFilled, end - pos);
                System.arraycopy(data, pos, header, headerFilled, n);
                headerFilled += n;
                pos += n;
                if (headerFilled < HEADER_BYTES) {
                    break; // the length itself is split across reads: wait for the rest
                }
                int length = ((header[0] & 0xff) << 24) | ((header[1] & 0xff) << 16)
                        | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
                check(length); // before allocating: a hostile "2 GiB" costs us nothing
                payloadLength = length;
                payload = keep ? new byte[length] : null;
                payloadFilled = 0;
            }
            int n = Math.min(payloadLength - payloadFilled, end - pos);
            if (payload != null) {
                System.arraycopy(data, pos, payload, payloadFilled, n);
            }
            payloadFilled += n;
            pos += n;
            if (payloadFilled == payloadLength) {
                if (keep) {
                    frames.add(payload);
                } else {
                    lengths.add(payloadLength);
                }
                payload = null;
                payloadLength = -1;
                headerFilled = 0;
            }
        }
    }

    /** Same as {@link #feed(byte[], int, int)} for a whole array. */
    public List<byte[]> feed(byte[] data) throws FrameException {
        return feed(data, 0, data.length);
    }

    /** True if part of a frame (or of its length) has arrived but not all of it. */
    public boolean midFrame() {
        return headerFilled > 0;
    }

    /**
     * Call at end of stream (read() returned -1, the peer's FIN arrived).
     *
     * @throws FrameException if the peer closed in the middle of a frame
     */
    public void finish() throws FrameException {
        if (payloadLength >= 0) {
            throw new FrameException(Msg.get("Frame.payloadTruncated", payloadFilled, payloadLength));
        }
        if (headerFilled > 0) {
            throw new FrameException(Msg.get("Frame.headerTruncated", headerFilled, HEADER_BYTES));
        }
    }

    private void check(int length) throws FrameException {
        if (length < 0) {
            failure = Msg.get("Frame.negative", length);
            throw new FrameException(Msg.get("Frame.negative.bytes", length, hex()));
        }
        if (length > maxFrame) {
            failure = Msg.get("Frame.tooLarge", length, maxFrame);
            throw new FrameException(Msg.get("Frame.tooLarge.refused", length, maxFrame));
        }
    }

    private String hex() {
        return String.format("%02x %02x %02x %02x", header[0], header[1], header[2], header[3]);
    }
}
