package tcpip.segmentation.framing;

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
 * Serves newline-delimited messages ({@link LineCore}) behind the shared accept loop: a cap,
 * read, write and whole-request deadlines, and a client whose line grows past the maximum gets an error and is
 * closed while the others carry on.
 */
public final class LineServer {

    private LineServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LineServer", Msg.get("LineServer.summary"));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, true)
                .withRequestTimeout("LineServer.opt.requestTimeout");
        Cli.Option<Integer> max = cli.intOption("--max-line", LineDecoder.DEFAULT_MAX_LINE, 1, 1 << 20,
                Msg.get("LineServer.opt.maxLine"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LineServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            // Each line (its newline ends it, or max-line bytes without one) and its answer: --request-timeout.
            GuardedListener listener = options.listen(limit -> RequestDeadline.lines(limit, max.get() + 1));
            ServerOptions.run(LineServer.class, listener, loop(listener, options.limits(), max.get(), System.out::println));
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, int maxLine, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            int lines = LineCore.serve(client, maxLine);
            log.accept(Msg.get("LineServer.done", client.getInetAddress().getHostAddress() + ":" + client.getPort(), lines));
        }, null, log);
    }
}
