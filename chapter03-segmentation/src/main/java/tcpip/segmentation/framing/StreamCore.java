package tcpip.segmentation.framing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** 데이터 송수신 as a stream: the socket calls of WriteBurstClient and ReadSizeServer. */
public final class StreamCore {

    private StreamCore() {
    }

    // [one-write]
    /** Hands all of {@code data} to the kernel in ONE write() call. */
    public static void writeOnce(Socket socket, byte[] data) throws IOException {
        // write(): the kernel copies the bytes into the send buffer (blocking while it is full)
        // and cuts them into segments of at most one MSS; nothing marks where this call ended.
        socket.getOutputStream().write(data);
    }
    // [/one-write]

    // [small-writes]
    /** Hands each piece to the kernel in its own write() call. */
    public static void writeEach(Socket socket, List<byte[]> pieces) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (byte[] piece : pieces) {
            out.write(piece); // appended to the same row of bytes as the piece before
        }
    }
    // [/small-writes]

    // [read-sizes]
    /** Reads until {@code total} bytes or the peer's FIN; returns what each read() returned. */
    public static List<Integer> readSizes(Socket socket, byte[] buffer, long total) throws IOException {
        InputStream in = socket.getInputStream();
        List<Integer> sizes = new ArrayList<>();
        long got = 0;
        while (got < total) {
            // read(): takes what the receive queue holds right now, up to the buffer's size;
            // blocks only while the queue is empty; -1 once the peer's FIN has arrived.
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, total - got));
            if (n < 0) {
                break;
            }
            sizes.add(n);
            got += n;
        }
        return sizes;
    }
    // [/read-sizes]
}
