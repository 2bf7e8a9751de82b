package tcpip.close.timewait;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import tcpip.net.AcceptLoop;

/** TIME_WAIT on a server that closed first, and the bind() of its restart: SO_REUSEADDR decides. */
public final class ReuseAddressCore {

    private ReuseAddressCore() {
    }

    /** Serves one accepted client and closes first: this server's side ends in TIME_WAIT. */
    public static void serveAndCloseFirst(Socket client) throws IOException {
        // [close-first]
        try (client) {
            client.getOutputStream().write("bye\n".getBytes(StandardCharsets.UTF_8)); // write(): into the send buffer
        } // close(): FIN from the server; after the client's FIN this row stays in TIME_WAIT
        // [/close-first]
    }

    /** A listening socket with SO_REUSEADDR as given, bound to {@code port} (0 = any free one). */
    public static ServerSocket listen(InetAddress address, int port, boolean reuseAddress) throws IOException {
        return listen(new ServerSocket(), new InetSocketAddress(address, port), reuseAddress);
    }

    /** The same on a socket the caller made: one whose connections get a write deadline, or a channel's. */
    public static <S extends ServerSocket> S listen(S socket, InetSocketAddress address, boolean reuseAddress)
            throws IOException {
        try {
            // [restart]
            socket.setReuseAddress(reuseAddress); // before bind(): shares the port with TIME_WAIT rows only if they have it too
            socket.bind(address, AcceptLoop.DEFAULT_BACKLOG); // bind() + listen(): EADDRINUSE while TIME_WAIT holds the port
            // [/restart]
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
