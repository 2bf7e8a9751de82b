package tcpip.segmentation.buffers;

import java.net.ServerSocket;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.AcceptLoop;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Asks for a receive buffer before listen() and shows, for every client, what Java reports and
 * what the kernel holds for the accepted socket (which inherits the listener's buffer).
 */
public final class BufferSizeServer {

    private BufferSizeServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("BufferSizeServer", Msg.get("BufferSizeServer.summary"));
        ServerOptions options = new ServerOptions(cli, AcceptLoop.DEFAULT_MAX_CONNECTIONS, false)
                .withRequestTimeout("BufferSizeServer.opt.requestTimeout");
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 64 * 1024, 0, 1L << 30,
                Msg.get("BufferSizeServer.opt.rcvbuf"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            // Only receives: the "request" is the whole connection, accept() to the client's FIN (--request-timeout).
            ServerSocket listener = options.unboundWholeConnections();
            // SO_RCVBUF before bind()/listen(): accepted sockets inherit it, and the window scale
            // the SYN+ACK announces is chosen from it during the Three way handshake.
            if (rcvbuf.get() > 0) {
                listener.setReceiveBufferSize(Math.toIntExact(rcvbuf.get()));
            }
            ServerSocket bound = options.bindAndListen(listener);
            ServerOptions.run(BufferSizeServer.class, bound, loop(bound, options.limits(), rcvbuf.get(), System.out::println),
                    "BufferSizeServer.listening", rcvbuf.get());
        });
    }

    /** The accept loop on a bound listener whose receive buffer was asked for ({@code rcvbuf}, 0 = not). */
    public static AcceptLoop loop(ServerSocket listener, AcceptLoop.Limits limits, long rcvbuf, Consumer<String> log) {
        return new AcceptLoop(listener, limits, Thread.ofVirtual().factory(), client -> {
            ServerOptions.wholeConnection(client); // its clock starts at accept
            byte[] buf = new byte[WindowCore.CHUNK];
            int first = client.getInputStream().read(buf); // look once the client has sent something
            StringBuilder report = new StringBuilder(Msg.get("BufferSizeServer.client",
                    client.getInetAddress().getHostAddress() + ":" + client.getPort()));
            for (String line : BufferReport.lines(client, 0, rcvbuf)) {
                report.append(System.lineSeparator()).append("  ").append(line);
            }
            long total = Math.max(first, 0) + (first < 0 ? 0 : WindowCore.drain(client, Long.MAX_VALUE));
            log.accept(report + System.lineSeparator() + Msg.get("BufferSizeServer.read", total));
        }, null, log);
    }
}
