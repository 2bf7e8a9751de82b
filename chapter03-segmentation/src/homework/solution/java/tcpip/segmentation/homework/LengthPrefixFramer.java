package tcpip.segmentation.homework;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import tcpip.segmentation.FrameException;

/**
 * Homework: length-prefix framing on plain streams. A frame is a 4-byte big-endian length
 * followed by that many payload bytes; TCP may cut it anywhere, so reading means looping until
 * the length and then the payload are complete.
 */
public final class LengthPrefixFramer {

    private LengthPrefixFramer() {
    }

    /** Writes {@code payload} as one frame: its length as 4 big-endian bytes, then the bytes. */
    public static void writeFrame(OutputStream out, byte[] payload) throws IOException {
        byte[] frame = new byte[4 + payload.length];
        frame[0] = (byte) (payload.length >>> 24);
        frame[1] = (byte) (payload.length >>> 16);
        frame[2] = (byte) (payload.length >>> 8);
        frame[3] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        out.write(frame); // one write(): header and payload leave together
        out.flush();
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
        int first = in.read();
        if (first < 0) {
            return null; // the peer's FIN between frames: a clean end
        }
        DataInputStream data = new DataInputStream(in);
        byte[] rest = new byte[3];
        data.readFully(rest); // EOFException if the FIN comes inside the length
        int length = (first << 24) | ((rest[0] & 0xff) << 16) | ((rest[1] & 0xff) << 8) | (rest[2] & 0xff);
        if (length < 0) {
            throw new FrameException("negative frame length " + length);
        }
        if (length > maxFrame) {
            throw new FrameException("frame length " + length + " is larger than the maximum " + maxFrame);
        }
        byte[] payload = new byte[length];
        data.readFully(payload); // loops over read() until all bytes are here; EOFException if cut short
        return payload;
    }
}
