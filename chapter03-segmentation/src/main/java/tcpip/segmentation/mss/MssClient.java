package tcpip.segmentation.mss;

import tcpip.kernel.Sysctl;
import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;
import java.net.Inet6Address;

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
        Lang.chooseFrom(args);
        Cli cli = new Cli("MssClient", Msg.get("MssClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=MssClient -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = MssCore.connect(new InetSocketAddress(host.get(), port.get()))) {
                System.out.println(Msg.get("MssClient.afterHandshake", MssReport.ssLine(socket)));
                boolean v6 = socket.getInetAddress() instanceof Inet6Address;
                long synMss = MssReport.expectedSynMss(Sysctl.mtu("lo"), v6);
                MssReport.ss(socket).ifPresent(i -> System.out.println(Msg.get("MssClient.ifLo",
                        MssReport.advmssLine(i.number("advmss"), synMss))));
                MssCore.send(socket, SEND);
                System.out.println(Msg.get("MssClient.afterSending", SEND, MssReport.ssLine(socket)));
                System.out.println(Msg.get("MssClient.legend1"));
                System.out.println(Msg.get("MssClient.legend2"));
                System.out.println(Msg.get("MssClient.legend3"));
            }
        });
    }
}
