package tcpip.close.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** WRONG (test fixture: closes the socket after a complete response only (no try-with-resources): a timeout or any other failure leaves its descriptor open). Homework: a request/response client whose request ends with a half-close (FIN), not with a length or a delimiter. */
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
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        socket.setSoTimeout((int) timeout.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        socket.shutdownOutput(); // FIN: "my request is complete"; the server's read() returns -1, we can still read
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until -1: the server's FIN
        socket.close(); // reached only when nothing above threw
        return response;
    }
}
