package tcpip.close.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Homework: a request/response client whose request ends with a half-close (FIN), not with a length or a delimiter. */
public final class HalfCloseRequestClient {

    private HalfCloseRequestClient() {
    }

    /**
     * Sends {@code request}, marks its end with shutdownOutput(), and returns the whole response:
     * everything the server sends until its FIN (read() == -1), decoded as UTF-8. The socket is closed
     * on every path, a timeout included.
     *
     * @param timeout connect deadline and the longest silence while reading
     */
    public static String request(String host, int port, String request, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput(); // FIN: "my request is complete"; the server's read() returns -1, we can still read
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // until -1: the server's FIN
        }
    }
}
