package tcpip.lifecycle.refused;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import tcpip.lifecycle.options.OptionsCore;

/**
 * A loopback port that is bound but not listening: until a server listens there, every SYN to it
 * is answered with RST ("Connection refused"), and no other program can take the port meanwhile.
 */
public final class ReservedPort implements AutoCloseable {

    private final Socket holder;

    private ReservedPort(Socket holder) {
        this.holder = holder;
    }

    /** Reserves a port the kernel picks on 127.0.0.1. */
    public static ReservedPort onLoopback() throws IOException {
        Socket holder = new Socket();
        try {
            // SO_REUSEADDR on both sockets lets a listener share the port with this bound, idle socket.
            holder.setReuseAddress(true);
            // bind() to port 0: the kernel picks a free port and keeps it ours. No listen(), so no
            // listening socket matches a SYN to it and the kernel answers RST.
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new ReservedPort(holder);
        } catch (IOException e) {
            holder.close();
            throw e;
        }
    }

    /** The reserved port. */
    public int port() {
        return holder.getLocalPort();
    }

    /**
     * Starts listening on the reserved port (bind + listen with SO_REUSEADDR on): from now on the
     * kernel answers SYNs to it with SYN+ACK.
     */
    public ServerSocket listen(int backlog) throws IOException {
        // SO_REUSEADDR before bind(): the kernel checks it when bind() runs.
        return OptionsCore.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), true, 0, backlog);
    }

    @Override
    public void close() throws IOException {
        holder.close();
    }
}
