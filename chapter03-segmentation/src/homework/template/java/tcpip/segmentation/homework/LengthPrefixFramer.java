package tcpip.segmentation.homework;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import tcpip.segmentation.FrameException;

/**
 * Homework: length-prefix framing on plain streams. A frame is a 4-byte big-endian length
 * followed by that many payload bytes; TCP may cut it anywhere, so reading means looping until
 * the length and then the payload are complete.
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation LengthPrefixFramer}
 */
public final class LengthPrefixFramer {

    private LengthPrefixFramer() {
    }

    /** Writes {@code payload} as one frame: its length as 4 big-endian bytes, then the bytes. */
    public static void writeFrame(OutputStream out, byte[] payload) throws IOException {
        // Hint: build the 4 header bytes (most significant first) and the payload into one array
        // and write it with a single write(), then flush().
        throw new UnsupportedOperationException("TODO: write the 4-byte big-endian length, then the payload");
    }

    /**
     * Reads one frame.
     *
     * @return the payload, or {@code null} if the stream ended cleanly before a new frame began
     * @throws FrameException if the length is negative or larger than {@code maxFrame} (checked
     *                        before allocating anything)
     * @throws EOFException   if the stream ended in the middle of a frame
     */
    public static byte[] readFrame(InputStream in, int maxFrame) throws IOException {
        // Hints: read() == -1 before the first length byte is a clean end (return null).
        // One read() may return fewer bytes than you asked for: DataInputStream.readFully loops.
        // Check the length BEFORE new byte[length]: a peer must not be able to make you allocate 2 GiB.
        throw new UnsupportedOperationException("TODO: read the length, check it, then read exactly that many bytes");
    }
}
