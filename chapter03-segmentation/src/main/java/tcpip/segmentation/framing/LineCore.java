package tcpip.segmentation.framing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** 데이터 송수신 with delimiter framing ('\n' ends a message): the socket calls of LineServer and LineClient. */
public final class LineCore {

    /** Bytes per read() at most: the only buffer a connection needs. */
    public static final int BUFSIZE = 8 * 1024;

    private LineCore() {
    }

    // [serve-lines]
    /** Answers every line with one line until the client's FIN; returns how many it answered. */
    public static int serve(Socket client, int maxLine) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        LineDecoder decoder = new LineDecoder(maxLine); // refuses a line longer than maxLine
        byte[] buf = new byte[BUFSIZE];
        int lines = 0;
        int n;
        try {
            // read(): whatever has arrived, part of a line or many lines; -1 once the FIN arrived
            while ((n = in.read(buf)) != -1) {
                for (String line : decoder.feed(buf, 0, n)) {
                    // write(): copied into the send buffer; blocks while the client is not reading
                    out.write(("line " + ++lines + ": " + line + "\n").getBytes(UTF_8));
                }
            }
            decoder.finish(); // the FIN arrived in the middle of a line: an error, not a message
        } catch (FrameException e) {
            out.write(("ERROR: " + e.getMessage() + "\n").getBytes(UTF_8));
            throw e;
        }
        return lines;
    }
    // [/serve-lines]

    // [send-lines]
    /** Sends all lines in ONE write(), then FIN; returns the answers (at most one more than sent). */
    public static List<String> exchange(Socket socket, List<String> lines, int maxLine) throws IOException {
        socket.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(UTF_8));
        socket.shutdownOutput(); // FIN after the data: "no more lines"
        LineDecoder decoder = new LineDecoder(maxLine);
        List<String> answers = new ArrayList<>();
        byte[] buf = new byte[BUFSIZE];
        int n;
        while (answers.size() <= lines.size() && (n = socket.getInputStream().read(buf)) != -1) {
            answers.addAll(decoder.feed(buf, 0, n));
        }
        return answers;
    }
    // [/send-lines]
}
