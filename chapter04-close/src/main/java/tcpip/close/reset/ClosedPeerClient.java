package tcpip.close.reset;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;

/** Writes to a server that already closed: the first write "works" and draws an RST, the next one fails. */
public final class ClosedPeerClient {

    private ClosedPeerClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("ClosedPeerClient", Msg.get("ClosedPeerClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ClosedPeerServer.DEFAULT_PORT);
        Cli.Option<Boolean> unread = cli.flag("--unread-data", Msg.get("ClosedPeerClient.opt.unreadData"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                Msg.get("Client.opt.timeout"));
        cli.example("ClosedPeerClient --port 7304")
           .example("ClosedPeerClient --port 7304 --unread-data");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                if (unread.get()) {
                    socket.getOutputStream().write("request the server never reads\n".getBytes(StandardCharsets.UTF_8));
                    System.out.println(outcome(socket, "ClosedPeerClient.read."));
                    return;
                }
                int r = ClosedPeerCore.read(socket);
                if (r != -1) {
                    throw new IOException(Msg.get("ClosedPeerClient.notClosedPeerServer"));
                }
                System.out.println(Msg.get("ClosedPeerClient.serverFin"));
                ClosedPeerCore.writeFirst(socket, "first\n".getBytes(StandardCharsets.UTF_8));
                System.out.println(Msg.get("ClosedPeerClient.write1"));
                awaitReset(socket);
                try {
                    ClosedPeerCore.writeAfterReset(socket, "second\n".getBytes(StandardCharsets.UTF_8));
                    throw new IOException(Msg.get("ClosedPeerClient.write2Succeeded"));
                } catch (SocketException e) {
                    System.out.println(Msg.get("ClosedPeerClient.write2Failed", Cli.describe(e)));
                }
                System.out.println(outcome(socket, "ClosedPeerClient.readAgain."));
            }
        });
    }

    /** Waits until the kernel dropped the connection: the RST arrived. */
    static void awaitReset(Socket socket) throws Exception {
        if (SocketTable.available()) {
            KernelAwait.awaitGone(socket.getLocalPort(), socket.getPort(), Duration.ofSeconds(5));
        }
    }

    /** One read() and what it gave, as the bundle's sentence {@code prefix + fin|byte|failed}. */
    static String outcome(Socket socket, String prefix) {
        try {
            int r = ClosedPeerCore.read(socket);
            return r == -1 ? Msg.get(prefix + "fin") : Msg.get(prefix + "byte", r);
        } catch (IOException e) {
            return Msg.get(prefix + "failed", Cli.describe(e));
        }
    }
}
