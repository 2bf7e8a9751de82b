package tcpip.lifecycle.handshake;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** 소켓 연결 설정 and Three way handshake: listen, connect, accept, in the order they happen. */
public final class HandshakeCore {

    private HandshakeCore() {
    }

    /** The server's side before any client: a socket the kernel completes handshakes for. */
    public static ServerSocket listen(InetSocketAddress address, int backlog) throws IOException {
        return listen(new ServerSocket(), address, backlog);
    }

    /** The same on a socket the caller made (a subclass that watches accept(), say). */
    public static ServerSocket listen(ServerSocket server, InetSocketAddress address, int backlog) throws IOException {
        try {
            // [listen]
            // bind() then listen(backlog): the socket enters LISTEN, its row appears, and from
            // now on the KERNEL answers every SYN to this port with SYN+ACK by itself.
            server.bind(address, backlog);
            // [/listen]
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** The client's side: one connect() (timeout 0 = as long as the kernel resends its SYN). */
    public static Socket connect(InetSocketAddress server, Duration timeout) throws IOException {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Socket socket = new Socket();
        try {
            // [connect]
            // connect(): the kernel picks a free local (ephemeral) port, enters SYN_SENT, sends
            // SYN, and returns once SYN+ACK arrived; it sends the final ACK itself. RST back:
            // "Connection refused". Silence: it resends the SYN until the timeout runs out.
            socket.connect(server, timeoutMillis);
            // [/connect]
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** The server takes one finished connection. */
    public static Socket accept(ServerSocket server) throws IOException {
        // [accept]
        // accept(): takes the oldest connection off the accept queue. The kernel finished its
        // handshake before; accept() only gives it a descriptor (its row's inode was 0).
        return server.accept();
        // [/accept]
    }
}
