package tcpip.close.timewait;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.ServerPreload;
import tcpip.kernel.Endpoint;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.LogSafe;

/** Closes its connections first (so they sit in TIME_WAIT), then restarts on the same port. */
public final class TimeWaitRestartServer {

    public static final int DEFAULT_PORT = 7304;

    private TimeWaitRestartServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("TimeWaitRestartServer", Msg.get("TimeWaitRestartServer.summary"));
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> count = cli.intOption("--connections", 3, 1, 10_000,
                Msg.get("TimeWaitRestartServer.opt.connections"));
        Cli.Option<Boolean> noReuse = cli.flag("--no-reuse-address",
                Msg.get("TimeWaitRestartServer.opt.noReuseAddress"));
        cli.example("TimeWaitRestartServer --port 7304")
           .example(Msg.get("TimeWaitRestartServer.example.noReuse"));
        cli.parse(args);
        boolean reuse = !noReuse.get();
        cli.run(() -> {
            InetAddress addr = InetAddress.getByName(bind.get());
            int bound;
            try (ServerSocket first = ReuseAddressCore.listen(addr, port.get(), reuse)) {
                // Out of descriptors (EMFILE) no class file can be opened: load what a connection needs now.
                ServerPreload.beforeAccept();
                bound = first.getLocalPort();
                System.out.println(Msg.get("TimeWaitRestartServer.firstRun",
                        Endpoint.text(first.getLocalSocketAddress()), reuse));
                awaitTimeWait(bound, serveAndCloseFirst(first, count.get()));
            } // the listening socket is gone; the connections we closed first stay in TIME_WAIT
            printTimeWait(bound);
            System.out.println(Msg.get("TimeWaitRestartServer.restart", bound, reuse));
            try (ServerSocket second = ReuseAddressCore.listen(addr, bound, reuse)) { // "Address already in use" if reuse is false
                System.out.println(Msg.get("TimeWaitRestartServer.restarted",
                        Endpoint.text(second.getLocalSocketAddress())));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(second)));
                loop(second, System.out::println).run();
            }
        });
    }

    /** The restarted server: one connection at a time (each is a 4-byte write and a close, never blocked). */
    public static AcceptLoop loop(ServerSocket server, Consumer<String> log) {
        return new AcceptLoop(server, AcceptLoop.Limits.defaults(), null, ReuseAddressCore::serveAndCloseFirst, null, log);
    }

    /** Waits until each closed connection reached TIME_WAIT (the client's FIN arrived), at most a few seconds. */
    private static void awaitTimeWait(int port, List<Integer> clientPorts) {
        if (!SocketTable.available()) {
            return;
        }
        for (int clientPort : clientPorts) {
            try {
                KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, Duration.ofSeconds(5));
            } catch (TimeoutException e) {
                System.out.println(Msg.get("TimeWaitRestartServer.notYet", clientPort));
            }
        }
    }

    /** Accepts {@code n} clients, each served by {@link ReuseAddressCore#serveAndCloseFirst}; returns their ports. */
    public static List<Integer> serveAndCloseFirst(ServerSocket server, int n) throws IOException {
        List<Integer> clientPorts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket client = server.accept(); // accept(): a finished handshake from the queue
            clientPorts.add(client.getPort());
            String who = Endpoint.text(client.getRemoteSocketAddress());
            try {
                ReuseAddressCore.serveAndCloseFirst(client);
                System.out.println(Msg.get("TimeWaitRestartServer.served", who));
            } catch (IOException e) { // one bad client must not stop the server
                System.out.println(who + ": " + LogSafe.failure(e));
            }
        }
        return clientPorts;
    }

    /** Prints the TIME_WAIT rows on the port with the time they have left. */
    public static List<SocketRow> printTimeWait(int port) {
        if (!SocketTable.available()) {
            System.out.println(SocketTable.unavailableMessage());
            return List.of();
        }
        List<SocketRow> rows = SocketTable.withLocalPort(port).stream()
                .filter(r -> r.state() == TcpState.TIME_WAIT).toList();
        double longest = rows.stream().mapToLong(r -> r.timerLeft().toMillis()).max().orElse(0) / 1000.0;
        System.out.println(Msg.get("TimeWaitRestartServer.rows", rows.size(), port, String.format("%.2f", longest)));
        rows.forEach(r -> System.out.println("  " + r.describe()));
        return rows;
    }
}
