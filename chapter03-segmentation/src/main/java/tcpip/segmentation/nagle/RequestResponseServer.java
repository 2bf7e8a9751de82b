package tcpip.segmentation.nagle;

import java.net.ServerSocket;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.AcceptLoop;
import tcpip.net.GuardedListener;
import tcpip.net.RequestDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Answers fixed-size requests with a small response ({@link NagleCore#answer}): the server side
 * of the Nagle + delayed ACK experiment, behind the shared accept loop.
 */
public final class RequestResponseServer {

    private RequestResponseServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("RequestResponseServer", Msg.get("RequestResponseServer.summary", NagleCore.HEADER + NagleCore.BODY,
                NagleCore.RESPONSE));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, true)
                .withRequestTimeout("RequestResponseServer.opt.requestTimeout");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=RequestResponseServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            GuardedListener listener = options.listen(RequestDeadline::turns); // a request, then our answer
            ServerOptions.run(RequestResponseServer.class, listener, loop(listener, options.limits(), System.out::println),
                    "RequestResponseServer.listening");
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            long n = NagleCore.answer(client);
            log.accept(Msg.get("RequestResponseServer.done", client.getInetAddress().getHostAddress() + ":" + client.getPort(), n));
        }, null, log);
    }
}
