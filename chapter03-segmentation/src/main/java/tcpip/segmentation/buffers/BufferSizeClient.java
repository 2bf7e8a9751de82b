package tcpip.segmentation.buffers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.net.ExchangeDeadline;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;

/**
 * Asks for SO_SNDBUF/SO_RCVBUF before connect() ({@link BufferCore}) and prints what Java reports
 * next to what the kernel holds ({@code ss -m}), with the relation checked from the live limits.
 */
public final class BufferSizeClient {

    private BufferSizeClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("BufferSizeClient", Msg.get("BufferSizeClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Long> sndbuf = cli.sizeOption("--sndbuf", 32 * 1024, 1, 1L << 30, Msg.get("BufferSizeClient.opt.sndbuf"));
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 16 * 1024, 1, 1L << 30, Msg.get("BufferSizeClient.opt.rcvbuf"));
        Cli.Option<Long> send = cli.sizeOption("--send", 1 << 20, 0, 1L << 30, Msg.get("BufferSizeClient.opt.send"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10), Msg.get("Writer.opt.timeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=BufferSizeClient -Dargs=\"--port 7203 --sndbuf 1K --rcvbuf 64M\"");
        cli.parse(args);
        cli.run(() -> {
            InetSocketAddress server = new InetSocketAddress(host.get(), port.get());
            try (Socket socket = BufferCore.connect(server, Math.toIntExact(sndbuf.get()), Math.toIntExact(rcvbuf.get()));
                    ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get())) {
                BufferReport.lines(socket, sndbuf.get(), rcvbuf.get()).forEach(System.out::println);
                try { // the deadline closes the socket if the server stops reading: write() then fails
                    socket.getOutputStream().write(new byte[Math.toIntExact(send.get())]);
                } catch (IOException e) {
                    throw deadline.explain(e);
                }
                System.out.println(Msg.get("BufferSizeClient.sent", send.get()));
            }
        });
    }
}
