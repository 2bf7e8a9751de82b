package tcpip.close;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;

/** Closes every connection at once (FIN), or with --unread-data after the client's bytes arrived unread (RST). */
public final class ClosedPeerServer {

    public static final int DEFAULT_PORT = 7304;

    private ClosedPeerServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("ClosedPeerServer", "Accepts and closes right away, so the client writes to a closed peer.");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Boolean> unread = cli.flag("--unread-data",
                "wait until the client's first bytes arrive, then close without reading them (RST)");
        Cli.Option<Integer> count = cli.intOption("--connections", 0, 0, 1_000_000, "stop after N connections (0 = until Ctrl-C)");
        cli.example("ClosedPeerServer --port 7304")
           .example("ClosedPeerServer --port 7304 --unread-data   (client: ClosedPeerClient --unread-data)");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                System.out.println("listening on " + server.getLocalSocketAddress());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        server.close();
                    } catch (java.io.IOException ignored) {
                        // already closed
                    }
                }));
                for (int served = 0; count.get() == 0 || served < count.get(); served++) {
                    Socket client;
                    try {
                        client = server.accept();
                    } catch (java.net.SocketException stopped) {
                        return;
                    }
                    try (client) {
                        if (unread.get()) {
                            awaitUnreadData(client);
                            System.out.println("client's bytes wait unread; close(): Java sends FIN (shutdown), then Linux sends RST for the unread data");
                        } else {
                            System.out.println("close() right after accept: FIN to " + client.getRemoteSocketAddress());
                        }
                    } catch (Exception e) { // one bad client must not stop the server
                        System.out.println(client.getRemoteSocketAddress() + ": " + Cli.describe(e));
                    } // close(): FIN if everything received was read; RST at once if unread data remains
                }
            }
        });
    }

    /** Waits until bytes from the client sit in the receive buffer (rx_queue > 0), without reading them. */
    static void awaitUnreadData(Socket client) throws Exception {
        int local = client.getLocalPort();
        int remote = client.getPort();
        if (SocketTable.available()) {
            KernelAwait.awaitRow(r -> r.localPort() == local && r.remotePort() == remote && r.rxQueue() > 0,
                    Duration.ofSeconds(10), "unread bytes from " + remote);
        } else {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (client.getInputStream().available() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }
    }
}
