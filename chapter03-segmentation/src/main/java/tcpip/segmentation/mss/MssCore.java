package tcpip.segmentation.mss;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/** 데이터 송수신, segment size: the calls of MssClient (connect, send) and MssServer (receive). */
public final class MssCore {

    private MssCore() {
    }

    // [connect]
    /** Connects; the two SYNs carry each side's MSS. */
    public static Socket connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        // connect(): our SYN carries the MSS option, the largest segment we can receive: the
        // route's MTU minus 40 bytes of IPv4 + TCP header (60 over IPv6), and never more than
        // 65535 - 40 over IPv4 (an IPv4 datagram is at most 65535 bytes). The SYN+ACK carries
        // the server's.
        socket.connect(server);
        return socket;
    }
    // [/connect]

    // [send]
    /** One write of {@code bytes}; the kernel cuts it into segments. */
    public static void send(Socket socket, int bytes) throws IOException {
        // write(): the kernel cuts the bytes into segments no larger than its sending MSS: the
        // peer's MSS less the 12-byte timestamp option, and at most half the largest window the
        // peer has advertised so far.
        socket.getOutputStream().write(new byte[bytes]);
    }
    // [/send]

    // [receive]
    /** Reads until {@code total} bytes or the FIN; returns how many arrived. */
    public static long receive(Socket socket, long total) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[64 * 1024];
        long got = 0;
        int n;
        while (got < total && (n = in.read(buf, 0, (int) Math.min(buf.length, total - got))) != -1) {
            got += n; // rcvmss in ss: the largest segment the kernel has received so far
        }
        return got;
    }
    // [/receive]
}
