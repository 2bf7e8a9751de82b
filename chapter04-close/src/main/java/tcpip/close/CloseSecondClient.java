package tcpip.close;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** The chapter on one screen, client side: read() == -1 is the server's FIN; close() second leaves no TIME_WAIT here. */
public final class CloseSecondClient {

    private CloseSecondClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("CloseSecondClient", Msg.get("CloseSecondClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(CloseFirstServer.DEFAULT_PORT);
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                Msg.get("Client.opt.timeout"));
        cli.example("./mvnw -q -pl chapter04-close -am compile exec:exec -Dmain=CloseSecondClient -Dargs=\"--port 7300\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                if (OrderlyCloseCore.awaitFin(socket) != -1) {
                    throw new IOException(Msg.get("CloseSecondClient.notTheServer"));
                }
                System.out.println(Msg.get("CloseSecondClient.fin", socket.getLocalPort()));
                OrderlyCloseCore.closeSecond(socket, OrderlyCloseCore.SECOND_CLOSER_PAUSE);
                System.out.println(Msg.get("CloseSecondClient.closedSecond"));
                if (SocketTable.available()) { // the server's side of this connection, as the kernel keeps it now
                    System.out.println(KernelAwait.await(port.get(), socket.getLocalPort(), TcpState.TIME_WAIT,
                            timeout.get()).describe());
                }
            }
        });
    }
}
