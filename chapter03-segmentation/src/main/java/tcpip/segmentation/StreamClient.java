package tcpip.segmentation;

import java.net.InetSocketAddress;
import java.net.Socket;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.framing.StreamCore;

/** The chapter on one screen, client side: ONE write() of 1 MiB; the server prints the read()s that took it. */
public final class StreamClient {

    static final int CONNECT_TIMEOUT_MS = 10_000;

    private StreamClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("StreamClient", Msg.get("StreamClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(StreamServer.DEFAULT_PORT);
        Cli.Option<Long> bytes = cli.sizeOption("--bytes", 1L << 20, 1, 64L << 20, Msg.get("StreamClient.opt.bytes"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=StreamClient -Dargs=\"--port 7200\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), CONNECT_TIMEOUT_MS);
                StreamCore.writeOnce(socket, new byte[Math.toIntExact(bytes.get())]); // one write() call
                socket.shutdownOutput(); // FIN: after the last byte the server's read() returns -1
                System.out.println(Msg.get("StreamClient.wrote", bytes.get(), socket.getLocalPort()));
            }
        });
    }
}
