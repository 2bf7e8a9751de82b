package tcpip.close;

import java.net.InetAddress;
import java.net.ServerSocket;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.orderly.OrderlyCloseCore;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;

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
                ServerPreload.beforeAccept(); // out of descriptors (EMFILE) no class file opens: load now
                System.out.println(Msg.get("Server.listening", Endpoint.text(server.getLocalSocketAddress())));
                // AcceptLoop: one client at a time; accept() failing (EMFILE) backs off, one client's failure is one line.
                new AcceptLoop(server, AcceptLoop.Limits.defaults(), null, client -> {
                    String who = Endpoint.text(client.getRemoteSocketAddress());
                    OrderlyCloseCore.closeFirst(client); // our FIN goes first: this side ends in TIME_WAIT
                    System.out.println(Msg.get("CloseFirstServer.closedFirst", who));
                }, null, System.out::println).run();
            }
        });
    }
}
