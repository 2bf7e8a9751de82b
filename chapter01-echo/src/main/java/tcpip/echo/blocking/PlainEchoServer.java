package tcpip.echo.blocking;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.echo.Msg;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptBackoff;
import tcpip.net.AcceptLoop;
import tcpip.net.LogSafe;
import tcpip.net.Preload;

/**
 * The whole blocking echo server on one screen: the core's calls in a loop, one client at a time
 * (Calvert and Donahoo's TCPEchoServer, with a read deadline). For reading: one slow client holds it
 * (no write or request deadline). {@link EchoServer} runs the same calls with a connection cap, write
 * and request deadlines, a thread per client and safe log lines.
 */
public final class PlainEchoServer {

    /** A client that sends nothing for this long is closed, so one silent client cannot stall the rest. */
    static final int READ_TIMEOUT_MILLIS = 30_000;

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("PlainEchoServer", Msg.get("PlainEchoServer.summary"));
        Cli.Option<Integer> port = cli.port(EchoServer.DEFAULT_PORT);
        cli.parse(args);
        cli.endsBySignal(); // a server: Ctrl-C is how it ends (servers with --bind are so already)
        cli.run(() -> {
            Preload.connectionPaths(PlainEchoServer.class, Msg.class); // out of descriptors later, nothing left to load
            ServerSocket listener = new ServerSocket(); // no kernel socket yet: bind() below makes it
            EchoCore.listen(listener, new InetSocketAddress(Cli.LOOPBACK, port.get()), AcceptLoop.DEFAULT_BACKLOG);
            System.out.println(Msg.get("PlainEchoServer.listening", Endpoint.text(listener.getLocalSocketAddress())));
            AcceptBackoff backoff = new AcceptBackoff(); // accept() failing (EMFILE) waits a little, never spins
            while (true) { // one client at a time: the next ones wait, connected, in the accept queue
                try (Socket client = backoff.accept(EchoCore::accept, listener, System.out::println)) {
                    if (client == null) {
                        continue; // accept() failed: paused, logged once per episode
                    }
                    client.setSoTimeout(READ_TIMEOUT_MILLIS); // read() fails after this long without a byte
                    String peer = Endpoint.text(client.getRemoteSocketAddress());
                    long bytes = EchoCore.serveOne(client); // until the client's FIN
                    System.out.println(Msg.get("EchoServer.log.closed", peer, String.valueOf(bytes)));
                } catch (IOException | RuntimeException | Error e) { // this client failed: serve the next one
                    System.out.println(Msg.get("PlainEchoServer.failed", LogSafe.failure(e)));
                }
            }
        });
    }
}
