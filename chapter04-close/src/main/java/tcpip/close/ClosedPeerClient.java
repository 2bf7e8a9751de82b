package tcpip.close;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;

/** Writes to a server that already closed: the first write "works" and draws an RST, the next one fails. */
public final class ClosedPeerClient {

    private ClosedPeerClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("ClosedPeerClient", "Talks to ClosedPeerServer. Default: read its FIN, write twice (ok + RST, then "
                + "Broken pipe). --unread-data: send first, then read how the server's close with unread data ends.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ClosedPeerServer.DEFAULT_PORT);
        Cli.Option<Boolean> unread = cli.flag("--unread-data",
                "send first and then read: the server closes with our bytes unread (FIN, then RST)");
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10), "connect and read deadline");
        cli.example("ClosedPeerClient --port 7304")
           .example("ClosedPeerClient --port 7304 --unread-data");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                if (unread.get()) {
                    socket.getOutputStream().write("request the server never reads\n".getBytes(StandardCharsets.UTF_8));
                    System.out.println("read(): " + outcome(socket));
                    return;
                }
                int r = ClosedPeer.read(socket);
                if (r != -1) {
                    throw new IOException("the server sent data instead of closing: is it ClosedPeerServer?");
                }
                System.out.println("read(): -1 (end of stream: FIN)  (the server's FIN; the connection is half-closed)");
                ClosedPeer.writeFirst(socket, "first\n".getBytes(StandardCharsets.UTF_8));
                System.out.println("write #1: ok (the kernel took the bytes; the closed peer answers with RST)");
                awaitReset(socket);
                try {
                    ClosedPeer.writeAfterReset(socket, "second\n".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("write #2 succeeded: no RST arrived from the closed server");
                } catch (java.net.SocketException e) {
                    System.out.println("write #2: " + Cli.describe(e) + "  (EPIPE: the RST ended the connection)");
                }
                System.out.println("read(): " + outcome(socket) + "  (the FIN was already received)");
            }
        });
    }

    /** Waits until the kernel dropped the connection: the RST arrived. */
    static void awaitReset(Socket socket) throws Exception {
        if (SocketTable.available()) {
            KernelAwait.awaitGone(socket.getLocalPort(), socket.getPort(), Duration.ofSeconds(5));
        }
    }

    static String outcome(Socket socket) {
        try {
            int r = ClosedPeer.read(socket);
            return r == -1 ? "-1 (end of stream: FIN)" : "byte " + r;
        } catch (IOException e) {
            return Cli.describe(e);
        }
    }
}
