package tcpip.segmentation.mss;

import tcpip.kernel.Sysctl;
import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;
import tcpip.segmentation.ServerOptions;

/**
 * Connects ({@link MssCore}), prints the MSS fields the kernel keeps ({@code ss -tin}), sends
 * 1 MiB and prints them again: on loopback they are tens of kilobytes, not the article's 1460.
 */
public final class MssClient {

    /** Bytes sent so the segment sizes show up in rcvmss. */
    public static final int SEND = 1 << 20;

    private MssClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("MssClient", "Prints the connection's mss/advmss/pmtu from ss -tin before and after sending.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=MssClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = MssCore.connect(new InetSocketAddress(host.get(), port.get()))) {
                System.out.println("after the handshake: " + MssReport.ssLine(socket));
                boolean v6 = socket.getInetAddress() instanceof java.net.Inet6Address;
                long synMss = MssReport.expectedSynMss(Sysctl.mtu("lo"), v6);
                MssReport.ss(socket).ifPresent(i -> System.out.println("  " + MssReport.advmssLine(i.number("advmss"),
                        synMss) + " (if the route is lo)"));
                MssCore.send(socket, SEND);
                System.out.println("after sending " + SEND + " bytes: " + MssReport.ssLine(socket));
                System.out.println("mss = payload bytes per segment this side sends (at most half the largest window the");
                System.out.println("peer advertised); advmss = what this side accepts per segment (its SYN's mss less");
                System.out.println("the timestamp option); pmtu = path MTU; rcvmss = largest segment seen from the peer.");
            }
        });
    }
}
