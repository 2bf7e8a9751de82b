package tcpip.echo.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Exercise (reference solution): turn the iterative echo server into one that serves every client at the same time.
 *
 * <p>The iterative server below (in the comment) calls accept(), echoes that one client until it
 * leaves, and only then calls accept() again. Meanwhile the kernel keeps finishing handshakes for
 * new clients (Three way handshake) and parks them in the accept queue: they are connected, their
 * bytes arrive, but nobody reads them. Make {@link #serve} hand each accepted socket to its own
 * virtual thread and go straight back to accept().
 *
 * <pre>{@code
 * // the iterative version, one client at a time:
 * while (!listener.isClosed()) {
 *     Socket client = listener.accept();
 *     echo(client);                       // the next client waits here, unaccepted
 * }
 * }</pre>
 *
 * Grade it: {@code ./homework grade chapter01-echo ConcurrentEchoServer}
 */
public final class ConcurrentEchoServer {

    static final int BUFSIZE = 8192;

    private ConcurrentEchoServer() {
    }

    /**
     * Accepts clients until {@code listener} is closed and echoes each one's bytes, all clients at
     * once. Returns (without throwing) when the listener is closed.
     */
    public static void serve(ServerSocket listener) throws IOException {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept(); // a connection the kernel already finished, off the accept queue
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return; // closed while waiting in accept(): stop serving
                }
                throw e;
            }
            // This client gets its own (cheap) thread; this one goes straight back to accept().
            Thread.ofVirtual().start(() -> echo(client));
        }
    }

    /** Echoes one client until its FIN (read() == -1) or an error; always closes the socket. Already done. */
    static void echo(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] buf = new byte[BUFSIZE];
            int n;
            while ((n = in.read(buf)) != -1) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // this client reset or vanished; the others are not affected
        }
    }
}
