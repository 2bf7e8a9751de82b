package tcpip.segmentation.nagle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** 데이터 송수신, small writes: the calls of NagleClient (write, write, read) and RequestResponseServer. */
public final class NagleCore {

    /** The first write of a request. */
    public static final int HEADER = 10;
    /** The second write of a request. */
    public static final int BODY = 10;
    /** The response size. */
    public static final int RESPONSE = 4;

    private NagleCore() {
    }

    // [connect]
    /** A connection with Nagle's algorithm on ({@code nodelay} false, the default) or off. */
    public static Socket connect(InetSocketAddress server, boolean nodelay) throws IOException {
        Socket socket = new Socket();
        // TCP_NODELAY off = Nagle: a small segment waits while earlier data is unacknowledged,
        // so the kernel can send it together with later writes.
        socket.setTcpNoDelay(nodelay);
        socket.connect(server);
        return socket;
    }
    // [/connect]

    // [request]
    /** One request as two small writes, then its response; returns the round trip in nanoseconds. */
    public static long request(Socket socket) throws IOException {
        long start = System.nanoTime();
        OutputStream out = socket.getOutputStream();
        out.write(new byte[HEADER]); // nothing unacknowledged: the kernel sends it at once
        out.write(new byte[BODY]);   // Nagle: held until the header's ACK, which the server delays
        if (socket.getInputStream().readNBytes(RESPONSE).length < RESPONSE) {
            throw new IOException("the server closed the connection");
        }
        return System.nanoTime() - start;
    }
    // [/request]

    // [answer]
    /** Answers every whole request with a response until the client's FIN; returns how many. */
    public static long answer(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        long count = 0;
        // readNBytes loops over read() until the whole request is here: framing by fixed size.
        // Only then is there a response for the delayed ACK to ride on.
        while (in.readNBytes(HEADER + BODY).length == HEADER + BODY) {
            out.write(new byte[RESPONSE]);
            count++;
        }
        return count; // the client's FIN (a partial request is dropped)
    }
    // [/answer]
}
