package tcpip.lifecycle;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.net.AcceptBackoff;
import tcpip.net.AcceptLoop;
import tcpip.net.LogSafe;
import tcpip.net.Preload;

/** The chapter on one screen, server side: one client at a time, busy after each, so the next ones wait connected. */
public final class LateAcceptServer {

    static final int DEFAULT_PORT = 7101;
    /** What a client reads once accept() took its connection: 9 bytes, so write() never blocks. */
    static final byte[] ACCEPTED = "accepted\n".getBytes(StandardCharsets.US_ASCII);

    private LateAcceptServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LateAcceptServer", Msg.get("LateAcceptServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Duration> busy = cli.durationOption("--busy", Duration.ofSeconds(2),
                Msg.get("LateAcceptServer.opt.busy"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=LateAcceptServer -Dargs=\"--port 7101\"");
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress address = new InetSocketAddress(bind.get(), port.get());
            Preload.connectionPaths(LateAcceptServer.class, HandshakeCore.class); // nothing to load once out of descriptors
            AcceptBackoff backoff = new AcceptBackoff(); // accept() failing (EMFILE) pauses, logged once, never spins
            try (ServerSocket server = HandshakeCore.listen(address, AcceptLoop.DEFAULT_BACKLOG)) {
                System.out.println(Msg.get("LateAcceptServer.listening", Endpoint.text(server.getLocalSocketAddress())));
                while (true) {
                    try (Socket client = backoff.accept(HandshakeCore::accept, server, System.out::println)) {
                        if (client == null) {
                            continue; // accept() failed: paused already
                        }
                        client.getOutputStream().write(ACCEPTED);
                        System.out.println(Msg.get("LateAcceptServer.accepted",
                                Endpoint.text(client.getRemoteSocketAddress())));
                    } catch (IOException | RuntimeException | Error e) { // one client's failure costs one line
                        System.out.println(Msg.get("LateAcceptServer.failed", LogSafe.failure(e)));
                    }
                    Thread.sleep(busy.get()); // the subject: meanwhile the kernel completes the next handshakes alone
                }
            }
        });
    }
}
