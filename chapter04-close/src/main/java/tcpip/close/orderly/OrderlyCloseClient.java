package tcpip.close.orderly;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.CloseCapture;
import tcpip.close.Msg;
import tcpip.kernel.Endpoint;
import tcpip.kernel.PacketCapture;
import tcpip.narration.Narrator;

/** Connects, then closes first or second; with tcpdump it prints the segments and counts the close's. */
public final class OrderlyCloseClient {

    private OrderlyCloseClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("OrderlyCloseClient", Msg.get("OrderlyCloseClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(OrderlyCloseServer.DEFAULT_PORT);
        Cli.Option<Closer> first = cli.enumOption("--closes-first", Closer.class, Closer.SERVER,
                Msg.get("OrderlyCloseClient.opt.closesFirst"));
        Cli.Option<Duration> pause = cli.durationOption("--second-close-pause", OrderlyCloseCore.SECOND_CLOSER_PAUSE,
                Duration.ZERO, Duration.ofSeconds(10), Msg.get("OrderlyCloseClient.opt.secondClosePause"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                Msg.get("Client.opt.timeout"));
        Cli.Option<Boolean> capture = cli.flag("--capture", Msg.get("OrderlyCloseClient.opt.capture"));
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
        InetSocketAddress me = null; // this client's end: the ladder's client, known rather than guessed
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(timeout.toMillis())); // SYN, SYN+ACK, ACK
            n.program(Msg.get("OrderlyCloseClient.connected", Endpoint.text(socket.getRemoteSocketAddress()),
                    socket.getLocalPort()));
            activePort = first == Closer.CLIENT ? socket.getLocalPort() : port;
            me = (InetSocketAddress) socket.getLocalSocketAddress();
            if (first == Closer.CLIENT) {
                CloseStates.closeFirst(socket, n, false);
            } else {
                CloseStates.closeSecond(socket, pause, n, false);
            }
        } finally {
            if (tcpdump != null && tcpdump.running()) {
                tcpdump.awaitSegments(7, Duration.ofSeconds(2));
                CloseCapture.show(n, tcpdump.stop(), activePort, me);
            }
        }
    }
}
