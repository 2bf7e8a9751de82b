package tcpip.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * Both ends of one loopback connection in this JVM, for demos and tests: a listener on port 0,
 * a client that connects to it, and the accepted server end. Closing it closes all three.
 *
 * @param client the end that called connect()
 * @param server the end accept() returned
 */
public record LoopbackPair(Socket client, Socket server) implements AutoCloseable {

    /** Any socket options that must be set before connect() (buffer sizes, TCP_NODELAY). */
    @FunctionalInterface
    public interface Options {
        void apply(Socket client, ServerSocket listener) throws IOException;
    }

    /** Opens a connection on 127.0.0.1 with default options. */
    public static LoopbackPair open() throws IOException {
        return open((c, l) -> { });
    }

    /** Opens a connection on 127.0.0.1, applying {@code options} before bind and connect. */
    public static LoopbackPair open(Options options) throws IOException {
        try (ServerSocket listener = new ServerSocket()) {
            Socket client = new Socket();
            try {
                options.apply(client, listener);
                // bind(port 0): the kernel picks a free port; we read it back below.
                listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                // connect(): the kernel sends SYN and returns once SYN+ACK arrived; the connection
                // then waits in the listener's accept queue until accept() takes it.
                client.connect(listener.getLocalSocketAddress());
                Socket server = listener.accept();
                return new LoopbackPair(client, server);
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        }
    }

    /** Puts a read deadline (SO_TIMEOUT) on both ends, so a test's read can never block forever. */
    public LoopbackPair readTimeout(Duration limit) throws IOException {
        client.setSoTimeout(Math.toIntExact(limit.toMillis()));
        server.setSoTimeout(Math.toIntExact(limit.toMillis()));
        return this;
    }

    /** The client's local port (the server end's remote port). */
    public int clientPort() {
        return client.getLocalPort();
    }

    /** The server's port. */
    public int serverPort() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        try (client; server) {
            // closes both ends
        }
    }
}
