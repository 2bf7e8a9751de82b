package tcpip.segmentation.framing;

import java.net.ServerSocket;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.net.AcceptLoop;
import tcpip.net.GuardedListener;
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
        Cli cli = new Cli("LengthPrefixServer", "Reads [4-byte length][payload] frames and answers each one.");
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, true);
        Cli.Option<Long> max = cli.sizeOption("--max-frame", LengthPrefixDecoder.DEFAULT_MAX_FRAME, 0,
                Integer.MAX_VALUE, "largest payload accepted; a larger length is refused before allocating");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            GuardedListener listener = options.listen();
            int maxFrame = Math.toIntExact(max.get());
            ServerOptions.run("LengthPrefixServer", listener, loop(listener, options.limits(), maxFrame,
                    System.out::println), " (max frame " + maxFrame + " bytes)");
        });
    }

    /** The accept loop on a bound listener; {@code run()} it on the thread that should accept. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, int maxFrame, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            int frames = LengthPrefixCore.serve(client, maxFrame);
            log.accept("client " + client.getInetAddress().getHostAddress() + ":" + client.getPort() + ": " + frames
                    + " frames, closed cleanly");
        }, null, log);
    }
}
