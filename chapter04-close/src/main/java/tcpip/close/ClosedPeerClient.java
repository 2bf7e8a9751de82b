package tcpip.close;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
        Cli cli = new Cli("ClosedPeerClient", "Writes to a peer that closed: first write ok + RST, then Broken pipe.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ClosedPeerServer.DEFAULT_PORT);
        Cli.Option<Boolean> unread = cli.flag("--unread-data",
                "send first and then read: the server closes with our bytes unread (RST instead of FIN)");
        cli.example("ClosedPeerClient --port 7304")
           .example("ClosedPeerClient --port 7304 --unread-data");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), 10_000);
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                if (unread.get()) {
                    out.write("request the server never reads\n".getBytes(StandardCharsets.UTF_8));
                    System.out.println("read(): " + outcome(in));
                    return;
                }
                System.out.println("read(): " + outcome(in) + "  (the server's FIN; the connection is half-closed)");
                out.write("first\n".getBytes(StandardCharsets.UTF_8)); // succeeds: the kernel only queued it
                System.out.println("write #1: ok (the kernel took the bytes; the closed peer answers with RST)");
                awaitReset(socket);
                try {
                    out.write("second\n".getBytes(StandardCharsets.UTF_8));
                    System.out.println("write #2: ok (no RST yet?)");
                } catch (IOException e) {
                    System.out.println("write #2: " + Cli.describe(e) + "  (EPIPE: the RST ended the connection)");
                }
                System.out.println("read(): " + outcome(in) + "  (the FIN was already received)");
            }
        });
    }

    /** Waits until the kernel dropped the connection: the RST arrived. */
    static void awaitReset(Socket socket) throws Exception {
        if (SocketTable.available()) {
            KernelAwait.awaitGone(socket.getLocalPort(), socket.getPort(), Duration.ofSeconds(5));
        }
    }

    static String outcome(InputStream in) {
        try {
            int r = in.read();
            return r == -1 ? "-1 (end of stream: FIN)" : "byte " + r;
        } catch (IOException e) {
            return Cli.describe(e);
        }
    }
}
