package tcpip.segmentation;

import java.net.ServerSocket;
import java.util.List;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;
import tcpip.net.Preload;
import tcpip.segmentation.framing.StreamCore;

/**
 * The chapter on one screen, server side: a client's bytes arrive in read()s whose sizes the kernel chose.
 * The shared {@link AcceptLoop} and {@link ServerOptions} keep it safe: a cap, a read deadline, a deadline
 * for the whole connection (a client trickling a byte at a time is cut), a back-off when out of descriptors.
 */
public final class StreamServer {

    static final int DEFAULT_PORT = 7200;
    /** The most one read() may take: the program's limit, not the kernel's. */
    static final int BUFFER = 1 << 20;
    /** Clients served at once by default: each holds a {@link #BUFFER} buffer while it is served. */
    static final int MAX_CONNECTIONS = 16;

    private StreamServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("StreamServer", Msg.get("StreamServer.summary"));
        ServerOptions options = new ServerOptions(cli, DEFAULT_PORT, MAX_CONNECTIONS, false)
                .withRequestTimeout("StreamServer.opt.requestTimeout");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=StreamServer -Dargs=\"--port 7200\"");
        cli.parse(args);
        cli.run(() -> {
            Preload.connectionPaths(StreamCore.class); // the core's package too: run() loads this chapter's own
            // Only receives: the "request" is the whole connection, accept() to the client's FIN (--request-timeout).
            ServerSocket listener = options.listenWholeConnections();
            ServerOptions.run(StreamServer.class, listener, loop(listener, options.limits(), System.out::println),
                    "StreamServer.listening");
        });
    }

    /** The accept loop on a bound listener: each client on a virtual thread, read to its FIN, one line. */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            ServerOptions.wholeConnection(client); // the clock of --request-timeout starts at accept
            List<Integer> sizes = StreamCore.readSizes(client, new byte[BUFFER], Long.MAX_VALUE); // to the FIN
            log.accept(Msg.get("StreamServer.reads", Endpoint.text(client.getRemoteSocketAddress()),
                    sizes.stream().mapToLong(Integer::longValue).sum(), sizes.size(), sizes));
        }, null, log);
    }
}
