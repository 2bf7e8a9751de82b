package tcpip.close;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.kernel.PacketCapture;

/** Connects, then closes first or second; with tcpdump present prints the four segments of the close. */
public final class OrderlyCloseClient {

    private OrderlyCloseClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("OrderlyCloseClient",
                "Connects and takes part in the Four way handshake; --closes-first must match the server's.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(OrderlyCloseServer.DEFAULT_PORT);
        Cli.Option<Closer> first = cli.enumOption("--closes-first", Closer.class, Closer.SERVER,
                "which side calls close() first (same value as the server)");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                "connect and read deadline");
        Cli.Option<Boolean> capture = cli.flag("--capture", "run tcpdump on lo and print the segments (needs root)");
        cli.example("OrderlyCloseClient --port 7304 --closes-first server")
           .example("OrderlyCloseClient --port 7304 --closes-first client --capture");
        cli.parse(args);
        cli.run(() -> run(host.get(), port.get(), first.get(), timeout.get(), capture.get(), Narrator.stdout()));
    }

    static void run(String host, int port, Closer first, Duration timeout, boolean capture, Narrator n) throws Exception {
        PacketCapture tcpdump = capture ? PacketCapture.start(port) : null;
        if (tcpdump != null && !tcpdump.running()) {
            n.note(tcpdump.unavailableReason());
        }
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis()); // SYN, SYN+ACK, ACK
            n.program("connect() -> " + socket.getRemoteSocketAddress() + " from local port " + socket.getLocalPort());
            if (first == Closer.CLIENT) {
                OrderlyClose.closeFirst(socket, n);
            } else {
                OrderlyClose.closeSecond(socket, n);
            }
        } finally {
            if (tcpdump != null && tcpdump.running()) {
                n.segments(tcpdump.stop());
            }
        }
    }
}
