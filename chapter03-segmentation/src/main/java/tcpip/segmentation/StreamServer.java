package tcpip.segmentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.net.AcceptLoop;
import tcpip.net.LogSafe;
import tcpip.segmentation.framing.StreamCore;

/** The chapter on one screen, server side: a client's bytes arrive in read()s whose sizes the kernel chose. */
public final class StreamServer {

    static final int DEFAULT_PORT = 7200;
    /** The most one read() may take: the program's limit, not the kernel's. */
    static final int BUFFER = 1 << 20;
    /** A client that sends nothing for this long is let go. */
    static final int READ_TIMEOUT_MS = 10_000;

    private StreamServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("StreamServer", Msg.get("StreamServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=StreamServer -Dargs=\"--port 7200\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket server = new ServerSocket()) {
                server.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()), AcceptLoop.DEFAULT_BACKLOG);
                System.out.println(Msg.get("StreamServer.listening", Endpoint.text(server.getLocalSocketAddress())));
                byte[] buffer = new byte[BUFFER];
                while (true) {
                    try (Socket client = server.accept()) {
                        client.setSoTimeout(READ_TIMEOUT_MS);
                        List<Integer> sizes = StreamCore.readSizes(client, buffer, Long.MAX_VALUE); // to the FIN
                        System.out.println(Msg.get("StreamServer.reads", Endpoint.text(client.getRemoteSocketAddress()),
                                sizes.stream().mapToLong(Integer::longValue).sum(), sizes.size(), sizes));
                    } catch (IOException e) { // one client's failure is one line, not the server's end
                        System.out.println(Msg.get("StreamServer.failed", LogSafe.failure(e)));
                    }
                }
            }
        });
    }
}
