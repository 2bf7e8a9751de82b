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
 * Serves length-prefixed frames ({@link LengthPrefixCore}) behind the shared accept loop. Memory
 * per connection is one 8 KiB buffer whatever length a client declares: a length over the
 * maximum is refused before anything is allocated, and payloads are counted, never stored.
 */
public final class LengthPrefixServer {

    private LengthPrefixServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LengthPrefixServer", Msg.get("LengthPrefixServer.summary"));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, true)
                .withRequestTimeout("LengthPrefixServer.opt.requestTimeout");
        Cli.Option<Long> max = cli.sizeOption("--max-frame", LengthPrefixDecoder.DEFAULT_MAX_FRAME, 0,
                Integer.MAX_VALUE, Msg.get("LengthPrefixServer.opt.maxFrame"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            // A frame's bytes may be anything, '\n' too: a request runs from its first byte to our answer (turns).
            GuardedListener listener = options.listen(RequestDeadline::turns);
            int maxFrame = Math.toIntExact(max.get());
            ServerOptions.run(LengthPrefixServer.class, listener, loop(listener, options.limits(), maxFrame,
                    System.out::println), "LengthPrefixServer.listening", maxFrame);
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, int maxFrame, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            int frames = LengthPrefixCore.serve(client, maxFrame);
            log.accept(Msg.get("LengthPrefixServer.done", client.getInetAddress().getHostAddress() + ":" + client.getPort(),
                    frames));
        }, null, log);
    }
}
