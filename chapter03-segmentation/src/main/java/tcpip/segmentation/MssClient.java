package tcpip.segmentation;

import tcpip.kernel.SsInfo;

import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;

/**
 * Connects, prints the MSS the kernel chose ({@code ss -tin}), sends 1 MiB and prints it again:
 * on loopback (MTU 65536) it is tens of kilobytes, not the article's 1460.
 */
public final class MssClient {

    /** Bytes sent so the segment sizes show up in rcvmss. */
    public static final int SEND = 1 << 20;

    private MssClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("MssClient", "Prints the connection's mss/advmss/pmtu from ss -tin before and after sending.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(7203);
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=MssClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                // connect(): the SYN carries this side's MSS option (the device MTU minus 40
                // bytes of IP and TCP header); the SYN+ACK carries the server's.
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                System.out.println("after the handshake: " + mss(socket));
                socket.getOutputStream().write(new byte[SEND]);
                System.out.println("after sending " + SEND + " bytes: " + mss(socket));
                System.out.println("mss = payload bytes per segment this side sends; advmss = what our SYN announced;");
                System.out.println("pmtu = path MTU; rcvmss = largest segment seen from the peer. Loopback's MTU is 65536.");
            }
        });
    }

    /** The connection's MSS fields from ss, or one line saying why they are missing. */
    static String mss(Socket socket) {
        if (!SsInfo.installed()) {
            return SsInfo.unavailableMessage();
        }
        return SsInfo.of(socket.getLocalPort(), socket.getPort()).map(SsInfo::mssLine)
                .orElse("ss printed nothing for this connection");
    }
}
