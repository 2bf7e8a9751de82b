package tcpip.lifecycle.options;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Three way handshake: the options that only work when set before it (SO_REUSEADDR, SO_RCVBUF). */
public final class OptionsCore {

    private OptionsCore() {
    }

    /** A listener with SO_REUSEADDR and (if {@code rcvbuf > 0}) SO_RCVBUF set before bind(). */
    public static ServerSocket listen(InetSocketAddress address, boolean reuseAddress, int rcvbuf, int backlog)
            throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            // [server-options]
            // SO_REUSEADDR: the kernel consults it when bind() runs; true lets a new listener
            // bind beside a TIME_WAIT on this port. SO_RCVBUF on the LISTENING socket: every
            // accepted socket copies it, and each SYN+ACK's window scale is computed from it.
            server.setReuseAddress(reuseAddress);
            if (rcvbuf > 0) {
                server.setReceiveBufferSize(rcvbuf);
            }
            server.bind(address, backlog);
            // [/server-options]
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    /** A client whose receive buffer is set before connect(): the SYN's window scale fits it. */
    public static Socket connectWithBufferFirst(InetSocketAddress server, int rcvbuf) throws IOException {
        Socket socket = new Socket();
        try {
            // [rcvbuf-before-connect]
            // The kernel stores 2 x min(request, net.core.rmem_max), at least its minimum, and
            // turns receive autotuning off; connect()'s SYN then gets a scale fitting this buffer.
            socket.setReceiveBufferSize(rcvbuf);
            socket.connect(server);
            // [/rcvbuf-before-connect]
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A client whose receive buffer is set after connect(): too late for the SYN. */
    public static Socket connectWithBufferLater(InetSocketAddress server, int rcvbuf) throws IOException {
        Socket socket = new Socket();
        try {
            // [rcvbuf-after-connect]
            // connect() first: with autotuning on, the SYN's scale fits the largest buffer it may
            // reach (tcp_rmem[2]). The later buffer applies; the agreed scale never changes.
            socket.connect(server);
            socket.setReceiveBufferSize(rcvbuf);
            // [/rcvbuf-after-connect]
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
