package tcpip.lifecycle;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.Narrator;
import tcpip.net.Closeables;

/** The chapter on one screen, client side: every connect() returns at once; accept() comes seconds later. */
public final class LateAcceptClient {

    private LateAcceptClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LateAcceptClient", Msg.get("LateAcceptClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(LateAcceptServer.DEFAULT_PORT);
        Cli.Option<Integer> count = cli.intOption("--connections", 3, 1, 10, Msg.get("LateAcceptClient.opt.connections"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(30),
                Msg.get("LateAcceptClient.opt.timeout"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=LateAcceptClient -Dargs=\"--port 7101\"");
        cli.parse(args);
        cli.run(() -> {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 1; i <= count.get(); i++) { // SYN, SYN+ACK, ACK: done by the two kernels
                    long start = System.nanoTime();
                    sockets.add(HandshakeCore.connect(new InetSocketAddress(host.get(), port.get()), timeout.get()));
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    System.out.println(Msg.get("LateAcceptClient.connected", i, Narrator.human(took)));
                }
                long connected = System.nanoTime();
                for (Socket socket : sockets) { // the server's line arrives only once its accept() took us
                    socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                    if (socket.getInputStream().readNBytes(LateAcceptServer.ACCEPTED.length).length == 0) {
                        throw new IOException(Msg.get("LateAcceptClient.closed"));
                    }
                    System.out.println(Msg.get("LateAcceptClient.accepted", sockets.indexOf(socket) + 1,
                            Narrator.human(Duration.ofNanos(System.nanoTime() - connected))));
                }
            } finally {
                sockets.forEach(Closeables::closeQuietly);
            }
        });
    }
}
