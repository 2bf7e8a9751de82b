package tcpip.segmentation.framing;

import java.io.IOException;

/** Bad framing from a peer: a length that cannot be right, a line too long, or a frame cut short. */
public final class FrameException extends IOException {
    private static final long serialVersionUID = 1L;

    public FrameException(String message) {
        super(message);
    }
}
