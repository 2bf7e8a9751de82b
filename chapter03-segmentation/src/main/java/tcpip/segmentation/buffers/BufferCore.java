package tcpip.segmentation.buffers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** 데이터 송수신, the socket's buffers: BufferSizeClient's calls, asking before connect() and reading back. */
public final class BufferCore {

    private BufferCore() {
    }

    // [ask-before-connect]
    /** A connection whose send and receive buffers were asked for before the handshake. */
    public static Socket connect(InetSocketAddress server, int sndbuf, int rcvbuf) throws IOException {
        Socket socket = new Socket();
        try {
            // setsockopt(SO_SNDBUF / SO_RCVBUF): the kernel stores min(asked, wmem_max / rmem_max)
            // times 2 (the second half pays for its own bookkeeping), never less than a built-in
            // minimum, and stops autotuning this buffer.
            socket.setSendBufferSize(sndbuf);
            socket.setReceiveBufferSize(rcvbuf);
            // connect(): the SYN's window scale now follows from this receive buffer; on a socket
            // that set nothing it follows from the largest buffer autotuning may reach (tcp_rmem[2]).
            socket.connect(server);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
    // [/ask-before-connect]

    // [read-back]
    /** Java's view {send, receive}: getsockopt() returns the kernel's doubled size; the JDK on Linux halves it. */
    public static int[] javaView(Socket socket) throws IOException {
        return new int[] {socket.getSendBufferSize(), socket.getReceiveBufferSize()};
    }
    // [/read-back]

    /** The size the kernel keeps for a request, before its minimum: 2 × min(asked, max). */
    public static long expectedKernelSize(long asked, long max) {
        return 2 * Math.min(asked, max);
    }
}
