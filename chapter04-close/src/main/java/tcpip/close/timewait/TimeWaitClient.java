package tcpip.close.timewait;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.net.ExchangeDeadline;

/** Connects --count times and reads until the server's FIN, so the server closes first each time. */
public final class TimeWaitClient {

    private TimeWaitClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("TimeWaitClient", Msg.get("TimeWaitClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(TimeWaitRestartServer.DEFAULT_PORT);
        Cli.Option<Integer> count = cli.intOption("--count", 3, 1, 10_000, Msg.get("TimeWaitClient.opt.count"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                Msg.get("Client.opt.wholeTimeout"));
        cli.example("TimeWaitClient --port 7304 --count 3");
        cli.parse(args);
        int ms = Math.toIntExact(timeout.get().toMillis());
        cli.run(() -> {
            for (int i = 0; i < count.get(); i++) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host.get(), port.get()), ms);
                    socket.setSoTimeout(ms);
                    InputStream in = socket.getInputStream();
                    byte[] line;
                    // SO_TIMEOUT ends a silence; this ends a server that trickles bytes and never sends FIN.
                    try (ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get())) {
                        try {
                            line = in.readNBytes(64); // returns at -1: the server's FIN
                            if (OrderlyCloseCore.awaitFin(socket) != -1) {
                                throw new IOException(Msg.get("TimeWaitClient.notTheServer"));
                            }
                        } catch (IOException e) {
                            throw deadline.explain(e);
                        }
                    }
                    System.out.println(Msg.get("TimeWaitClient.connection", i + 1, socket.getLocalPort(),
                            line.length));
                    OrderlyCloseCore.closeSecond(socket, Duration.ZERO); // our FIN comes second: no TIME_WAIT here
                }
            }
        });
    }
}
