package tcpip.close.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** WRONG (test fixture: turns every read() into a String on its own: a character whose UTF-8 bytes arrive in two reads is cut in two and decoded as two replacement characters). Homework: a request/response client whose request ends with a half-close (FIN), not with a length or a delimiter. */
public final class HalfCloseRequestClient {

    private HalfCloseRequestClient() {
    }

    /**
     * Sends {@code request}, marks its end with shutdownOutput(), and returns the whole response:
     * everything the server sends until its FIN (read() == -1).
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
            StringBuilder response = new StringBuilder();
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n != -1; n = in.read(buf)) { // until -1: the server's FIN
                response.append(new String(buf, 0, n, StandardCharsets.UTF_8)); // each read decoded by itself
            }
            return response.toString();
        }
    }
}
