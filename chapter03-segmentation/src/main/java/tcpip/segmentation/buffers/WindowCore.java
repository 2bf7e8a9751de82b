package tcpip.segmentation.buffers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/** 데이터 송수신, flow control: the calls of BlockedWriterClient (writes) and SlowReaderServer (drains). */
public final class WindowCore {

    /** Bytes per write() and per read(). */
    public static final int CHUNK = 8 * 1024;

    private WindowCore() {
    }

    // [write-to-a-non-reader]
    /** Writes {@code total} bytes, counting in {@code written} what each completed write() handed over. */
    public static void writeAll(Socket socket, long total, AtomicLong written) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[CHUNK];
        while (written.get() < total) {
            int n = (int) Math.min(CHUNK, total - written.get());
            // write(): copies into the send buffer and returns. When the peer's window is zero the
            // kernel stops sending (it only probes the window); once the send buffer is full too,
            // write() blocks until the peer reads.
            out.write(chunk, 0, n);
            written.addAndGet(n);
        }
    }
    // [/write-to-a-non-reader]

    // [drain]
    /** Reads until {@code total} bytes or the peer's FIN; returns how many arrived. */
    public static long drain(Socket socket, long total) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[CHUNK];
        long read = 0;
        int n;
        // read(): each call frees receive space; the kernel then advertises a larger window and
        // the blocked writer on the other side continues.
        while (read < total && (n = in.read(buf)) != -1) {
            read += n;
        }
        return read;
    }
    // [/drain]
}
