package tcpip.close;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.net.LogSafe;

/** The chapter on one screen, server side: accept, then close() first, as in the article's figure: TIME_WAIT stays here. */
public final class CloseFirstServer {

    static final int DEFAULT_PORT = 7300;

    private CloseFirstServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("CloseFirstServer", Msg.get("CloseFirstServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter04-close -am compile exec:exec -Dmain=CloseFirstServer -Dargs=\"--port 7300\"");
        cli.parse(args);
        cli.run(() -> {
            // SO_REUSEADDR on: a restart can bind beside the TIME_WAIT rows this server leaves on its port.
            try (ServerSocket server = ReuseAddressCore.listen(InetAddress.getByName(bind.get()), port.get(), true)) {
                System.out.println(Msg.get("Server.listening", Endpoint.text(server.getLocalSocketAddress())));
                while (true) {
                    Socket client = server.accept();
                    String who = Endpoint.text(client.getRemoteSocketAddress());
                    try {
                        OrderlyCloseCore.closeFirst(client); // our FIN goes first: this side ends in TIME_WAIT
                        System.out.println(Msg.get("CloseFirstServer.closedFirst", who));
                    } catch (IOException e) { // one client's failure is one line, not the server's end
                        System.out.println(Msg.get("CloseFirstServer.failed", who, LogSafe.failure(e)));
                    }
                }
            }
        });
    }
}
