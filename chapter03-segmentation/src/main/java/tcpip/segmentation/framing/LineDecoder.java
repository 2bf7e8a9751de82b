package tcpip.segmentation.framing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tcpip.segmentation.Msg;

/**
 * Cuts a TCP byte stream into lines ending in '\n' (a trailing '\r' is dropped): delimiter
 * framing. A line longer than the maximum is refused while it arrives, so a peer that never
 * sends '\n' cannot make us buffer without end.
 */
public final class LineDecoder {

    /** The longest line accepted unless told otherwise. */
    public static final int DEFAULT_MAX_LINE = 8 * 1024;
    private static final byte NEWLINE = '\n';
    private static final byte RETURN = '\r';

    private final int maxLine;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    public LineDecoder() {
        this(DEFAULT_MAX_LINE);
    }

    public LineDecoder(int maxLine) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be positive: " + maxLine);
        }
        this.maxLine = maxLine;
    }

    /**
     * Takes the next bytes of the stream and returns every line they complete, without the '\n'.
     *
     * @throws FrameException if a line grows beyond the maximum before its '\n'
     */
    public List<String> feed(byte[] data, int off, int len) throws FrameException {
        List<String> lines = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            byte b = data[i];
            if (b == NEWLINE) {
                byte[] line = pending.toByteArray();
                int n = line.length > 0 && line[line.length - 1] == RETURN ? line.length - 1 : line.length;
                if (n > maxLine) {
                    throw new FrameException(Msg.get("Frame.lineTooLong", n, maxLine));
                }
                lines.add(new String(line, 0, n, StandardCharsets.UTF_8));
                pending.reset();
            } else {
                if (pending.size() >= maxLine + 1) { // +1 leaves room for a '\r' before the '\n'
                    throw new FrameException(Msg.get("Frame.lineNoNewline", maxLine));
                }
                pending.write(b);
            }
        }
        return lines;
    }

    public List<String> feed(byte[] data) throws FrameException {
        return feed(data, 0, data.length);
    }

    /** True if part of a line has arrived without its '\n'. */
    public boolean midLine() {
        return pending.size() > 0;
    }

    /**
     * Call at end of stream.
     *
     * @throws FrameException if the peer closed in the middle of a line
     */
    public void finish() throws FrameException {
        if (pending.size() > 0) {
            throw new FrameException(Msg.get("Frame.lineTruncated", pending.size()));
        }
    }
}
