package tcpip.close;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.kernel.PacketCapture;
import tcpip.narration.Narrator;

/** Connects, then closes first or second; with tcpdump it prints the segments and counts the close's. */
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
        Cli.Option<Duration> pause = cli.durationOption("--second-close-pause", OrderlyClose.SECOND_CLOSER_PAUSE,
                Duration.ZERO, Duration.ofSeconds(10),
                "when the server closes first: wait this long after read() returned -1 before our close()");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                "connect and read deadline");
        Cli.Option<Boolean> capture = cli.flag("--capture", "run tcpdump on lo, print the segments and count the close's (needs root)");
        cli.example("OrderlyCloseClient --port 7304 --closes-first server")
           .example("OrderlyCloseClient --port 7304 --closes-first client --capture");
        cli.parse(args);
        cli.run(() -> run(host.get(), port.get(), first.get(), pause.get(), timeout.get(), capture.get(),
                Narrator.stdout()));
    }

    static void run(String host, int port, Closer first, Duration pause, Duration timeout, boolean capture, Narrator n)
            throws Exception {
        PacketCapture tcpdump = capture ? PacketCapture.start(port) : null;
        if (tcpdump != null && !tcpdump.running()) {
            n.note(tcpdump.unavailableReason());
        }
        int activePort = -1;
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis())); // SYN, SYN+ACK, ACK
            n.program("connect() -> " + socket.getRemoteSocketAddress() + " from local port " + socket.getLocalPort());
            activePort = first == Closer.CLIENT ? socket.getLocalPort() : port;
            if (first == Closer.CLIENT) {
                CloseStates.closeFirst(socket, n, false);
            } else {
                CloseStates.closeSecond(socket, pause, n, false);
            }
        } finally {
            if (tcpdump != null && tcpdump.running()) {
                tcpdump.awaitSegments(7, Duration.ofSeconds(2));
                CloseDemo.showClose(n, tcpdump.stop(), activePort);
            }
        }
    }
}
