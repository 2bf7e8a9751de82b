package tcpip.segmentation;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.ExchangeDeadline;
import tcpip.segmentation.framing.StreamCore;

/** The chapter on one screen, client side: ONE write() of 1 MiB; the server prints the read()s that took it. */
public final class StreamClient {

    /** Connect, the write() and the FIN must all be done within this (--timeout). */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private StreamClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("StreamClient", Msg.get("StreamClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(StreamServer.DEFAULT_PORT);
        Cli.Option<Long> bytes = cli.sizeOption("--bytes", 1L << 20, 1, 64L << 20, Msg.get("StreamClient.opt.bytes"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", DEFAULT_TIMEOUT, Msg.get("Writer.opt.timeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=StreamClient -Dargs=\"--port 7200\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket(); ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get())) {
                try { // the deadline closes the socket if the server stops reading: write() then fails
                    socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                    StreamCore.writeOnce(socket, new byte[Math.toIntExact(bytes.get())]); // one write() call
                    socket.shutdownOutput(); // FIN: after the last byte the server's read() returns -1
                } catch (IOException e) {
                    throw deadline.explain(e);
                }
                System.out.println(Msg.get("StreamClient.wrote", bytes.get(), socket.getLocalPort()));
            }
        });
    }
}
