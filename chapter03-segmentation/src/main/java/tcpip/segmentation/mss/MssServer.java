package tcpip.segmentation.mss;

import java.net.ServerSocket;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.SsInfo;
import tcpip.net.AcceptLoop;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Prints each connection's MSS fields from the server's side ({@code ss -tin}: mss, advmss, pmtu,
 * rcvmss) once the client's first data arrived and again after all of it: rcvmss is the largest
 * segment actually received.
 */
public final class MssServer {

    private MssServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("MssServer", Msg.get("MssServer.summary"));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, false)
                .withRequestTimeout("MssServer.opt.requestTimeout");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=MssServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            // Only receives: the "request" is the whole connection, accept() to the client's FIN (--request-timeout).
            ServerSocket listener = options.listenWholeConnections();
            if (!SsInfo.installed()) {
                System.out.println(SsInfo.unavailableMessage());
            }
            ServerOptions.run(MssServer.class, listener, loop(listener, options.limits(), System.out::println));
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            ServerOptions.wholeConnection(client); // its clock starts at accept
            String who = client.getInetAddress().getHostAddress() + ":" + client.getPort();
            long first = MssCore.receive(client, 1); // the first byte: a reset client fails here, before any ss
            if (first == 0) {
                log.accept(Msg.get("MssServer.nothing", who));
                return;
            }
            log.accept(Msg.get("MssServer.firstData", who, MssReport.ssLine(client)));
            long total = first + MssCore.receive(client, MssClient.SEND - first);
            log.accept(Msg.get("MssServer.arrived", who, total, MssReport.ssLine(client)));
        }, null, log);
    }
}
