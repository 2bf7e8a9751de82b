package tcpip.lifecycle;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;

/**
 * Shows the options a server must set before the handshake: SO_REUSEADDR before bind() (restart
 * while TIME_WAIT holds the port) and SO_RCVBUF on the listening socket (the window scale of
 * every SYN+ACK). It closes each connection first, so each leaves a TIME_WAIT on its port.
 */
public final class EarlyOptionsServer {

    private static final int DEFAULT_PORT = 7102;

    /** Which socket gets SO_RCVBUF. */
    public enum RcvbufOn {
        /** The listening socket, before any SYN: every SYN+ACK's window scale fits it. */
        LISTENER,
        /** Each accepted socket, after its handshake: too late for the window scale. */
        ACCEPTED
    }

    private EarlyOptionsServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("EarlyOptionsServer",
                "Sets SO_REUSEADDR and SO_RCVBUF before or after the handshake and shows the difference.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Boolean> noReuse = cli.flag("--no-reuse-address",
                "leave SO_REUSEADDR off: bind() fails while a TIME_WAIT holds the port");
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 0, 0, 64L << 20,
                "receive buffer size to ask for (0 = keep the kernel's default)");
        Cli.Option<RcvbufOn> on = cli.enumOption("--rcvbuf-on", RcvbufOn.class, RcvbufOn.LISTENER,
                "which socket gets SO_RCVBUF");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=EarlyOptionsServer -Dargs=\"--port 7105 --rcvbuf 4K\"");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=EarlyOptionsServer -Dargs=\"--port 7105 --no-reuse-address\"");
        cli.parse(args);
        cli.run(() -> serve(Narrator.stdout(), bind.get(), port.get(), !noReuse.get(), rcvbuf.get().intValue(),
                on.get()));
    }

    /** Serves until Ctrl-C. */
    static void serve(Narrator n, String bind, int port, boolean reuseAddress, int rcvbuf, RcvbufOn on)
            throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            // Before bind(): the kernel checks SO_REUSEADDR when bind() runs, not later.
            server.setReuseAddress(reuseAddress);
            n.program("server.setReuseAddress(" + reuseAddress + ") before bind()");
            if (rcvbuf > 0 && on == RcvbufOn.LISTENER) {
                // Accepted sockets inherit it, and the kernel sizes each SYN+ACK's window scale from it.
                server.setReceiveBufferSize(rcvbuf);
                n.program("server.setReceiveBufferSize(" + rcvbuf + ") before bind()");
            }
            try {
                server.bind(new InetSocketAddress(bind, port));
            } catch (BindException e) {
                n.result("bind(" + bind + ":" + port + "): " + e.getMessage());
                n.kernel("another socket still holds port " + port + ": often a TIME_WAIT left by a connection"
                        + " this server closed first (ss -tan 'sport = :" + port + "'). SO_REUSEADDR, set before"
                        + " bind(), lets a listener bind beside a TIME_WAIT.");
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(server)));
            n.program("listening on " + bind + ":" + server.getLocalPort() + "  (Ctrl-C stops)");
            while (!server.isClosed()) {
                Socket client;
                try {
                    client = server.accept();
                } catch (SocketException e) {
                    if (server.isClosed()) {
                        break;
                    }
                    throw e;
                }
                handle(n, client, server.getLocalPort(), rcvbuf, on);
            }
        }
    }

    private static void handle(Narrator n, Socket client, int serverPort, int rcvbuf, RcvbufOn on) throws IOException {
        try (client) {
            if (rcvbuf > 0 && on == RcvbufOn.ACCEPTED) {
                // After the handshake: the SYN+ACK already announced the scale.
                client.setReceiveBufferSize(rcvbuf);
                n.program("client.setReceiveBufferSize(" + rcvbuf + ") after accept(): too late for the SYN+ACK");
            }
            n.program("accepted " + client.getRemoteSocketAddress() + ", SO_RCVBUF " + client.getReceiveBufferSize());
            BufferOptionsClient.showScale(n, serverPort, client.getPort());
            OutputStream out = client.getOutputStream();
            out.write("bye: this server closes first, so the TIME_WAIT stays on its port\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        // close() first: our FIN goes out first, and this side will sit in TIME_WAIT for 60 s.
        n.program("closed first: port " + serverPort + " now has a TIME_WAIT row (restart me with"
                + " --no-reuse-address to see bind() fail)");
    }

    private static void closeQuietly(ServerSocket server) {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing on exit: nothing left to do
        }
    }
}
