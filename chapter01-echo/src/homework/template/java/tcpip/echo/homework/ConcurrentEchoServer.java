package tcpip.echo.homework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Exercise: turn the iterative echo server into one that serves every client at the same time.
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
        // TODO 1: loop while the listener is open, calling listener.accept().
        // TODO 2: start a virtual thread per client (Thread.ofVirtual().start(...)) that calls echo(client).
        // TODO 3: when accept() throws because the listener was closed, return.
        throw new UnsupportedOperationException(
                "TODO: accept in a loop and give each client its own virtual thread running echo(client)");
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
