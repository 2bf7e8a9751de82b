package tcpip.segmentation.framing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** 데이터 송수신 with length-prefix framing, {@code [4-byte length][payload]}: LengthPrefixServer's and -Client's calls. */
public final class LengthPrefixCore {

    /** Bytes per read() at most: the only buffer a connection needs, whatever length a client declares. */
    public static final int BUFSIZE = 8 * 1024;
    /** The largest answer a client accepts from a server. */
    public static final int MAX_ANSWER = 64 * 1024;

    private LengthPrefixCore() {
    }

    // [serve-frames]
    /** Answers every frame with a frame that says its length, until the client's FIN. */
    public static int serve(Socket client, int maxFrame) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        LengthPrefixDecoder decoder = new LengthPrefixDecoder(maxFrame); // checks each length first
        byte[] buf = new byte[BUFSIZE]; // payload bytes are counted here and dropped, never stored
        int frames = 0;
        int n;
        try {
            while ((n = in.read(buf)) != -1) { // any number of bytes: a frame, or its length, may span reads
                for (int length : decoder.lengths(buf, 0, n)) {
                    String answer = "frame " + ++frames + ": " + length + " bytes";
                    out.write(LengthPrefixEncoder.encode(answer.getBytes(UTF_8)));
                }
            }
            decoder.finish(); // -1: the peer's FIN; half a frame is an error
        } catch (FrameException e) {
            out.write(LengthPrefixEncoder.encode(("ERROR: " + e.getMessage()).getBytes(UTF_8)));
            throw e;
        }
        return frames;
    }
    // [/serve-frames]

    // [send-frame]
    /** Sends {@code [length][payload]} in one write() and reads the answer frame. */
    public static String exchange(Socket socket, byte[] payload) throws IOException {
        socket.getOutputStream().write(LengthPrefixEncoder.encode(payload)); // the kernel may still cut it anywhere
        return readAnswer(new DataInputStream(socket.getInputStream()));
    }
    // [/send-frame]

    // [read-answer]
    /** Reads one answer frame: readInt() and readFully() loop over as many read() calls as needed. */
    public static String readAnswer(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_ANSWER) {
            throw new FrameException("the server sent a bad length " + length);
        }
        byte[] answer = new byte[length]; // allocated only after the check
        in.readFully(answer);
        return new String(answer, UTF_8);
    }
    // [/read-answer]
}
