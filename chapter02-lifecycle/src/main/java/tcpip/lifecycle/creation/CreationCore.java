package tcpip.lifecycle.creation;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/** 소켓 생성: the calls that make the kernel create a socket, hand back a descriptor, and list it. */
public final class CreationCore {

    private CreationCore() {
    }

    /** A java.net.Socket object: no kernel socket yet. */
    public static Socket newSocket() {
        // [new-socket]
        // No system call: java.net creates the kernel socket lazily, at the first operation that
        // needs one (bind, connect, or setting an option). Checked with strace.
        Socket socket = new Socket();
        // [/new-socket]
        return socket;
    }

    /** Sets the first option: the operation that makes java.net call socket(). */
    public static void firstOption(Socket socket) throws IOException {
        // [first-option]
        // socket(AF_INET6, SOCK_STREAM) runs now (dual-stack: it also serves 127.0.0.1), the
        // kernel allocates its control information and returns the smallest free descriptor;
        // then setsockopt(TCP_NODELAY) is applied to it.
        socket.setTcpNoDelay(true);
        // [/first-option]
    }

    /** A channel: socket() runs at once. */
    public static SocketChannel openChannel() throws IOException {
        // [channel-open]
        // socket() at once: a descriptor exists, but no address and no row in /proc/net/tcp6.
        SocketChannel channel = SocketChannel.open();
        // [/channel-open]
        return channel;
    }

    /** Binds a socket without listening: it owns a port, yet has no row. */
    public static void bindOnly(Socket socket, InetSocketAddress address) throws IOException {
        // [bind-only]
        // bind(): the port is reserved for this socket, but the kernel lists sockets in
        // /proc/net/tcp* only from listen() or connect() on: still no row. A SYN to this port
        // finds no listener, so the kernel answers it with RST.
        socket.bind(address);
        // [/bind-only]
    }

    /** Connects the channel: now the socket has a row. */
    public static void connect(SocketChannel channel, InetSocketAddress server) throws IOException {
        // [connect-row]
        // connect(): the kernel picks an ephemeral port, does SYN, SYN+ACK, ACK, and the socket
        // gets its row (ESTABLISHED, with the descriptor's inode) in /proc/net/tcp6.
        channel.connect(server);
        // [/connect-row]
    }
}
