package tcpip.close.reset;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.net.ExchangeDeadline;

/** Reads what LingerServer sends and reports how it ended: -1 (FIN) or "Connection reset" (RST). */
public final class LingerClient {

    private LingerClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LingerClient", Msg.get("LingerClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(LingerServer.DEFAULT_PORT);
        Cli.Option<Duration> stall = cli.durationOption("--stall", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10),
                Msg.get("LingerClient.opt.stall"));
        Cli.Option<Duration> timeout = cli.durationOption("--timeout", Duration.ofSeconds(10),
                Msg.get("Client.opt.wholeTimeout"));
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 0, 0, 1L << 30, Msg.get("LingerClient.opt.rcvbuf"));
        cli.example("LingerClient --port 7304")
           .example("LingerClient --port 7304 --stall 10s --rcvbuf 64K");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                if (rcvbuf.get() > 0) {
                    socket.setReceiveBufferSize(rcvbuf.get().intValue()); // before connect: sets the window scale
                }
                int ms = Math.toIntExact(timeout.get().toMillis());
                socket.connect(new InetSocketAddress(host.get(), port.get()), ms);
                socket.setSoTimeout(ms);
                System.out.println(Msg.get("LingerClient.connected", socket.getLocalPort()));
                if (!stall.get().isZero()) {
                    System.out.println(Msg.get("LingerClient.stalling", stall.get().toMillis()));
                    // The pause is the subject: a peer that does not read, so the server's close() has unACKed data.
                    Thread.sleep(stall.get());
                }
                InputStream in = socket.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                // SO_TIMEOUT ends a silence; this ends a server that never stops sending (or trickles).
                ExchangeDeadline deadline = ExchangeDeadline.arm(socket, timeout.get());
                try {
                    for (int n; (n = in.read(buf)) != -1; ) { // read() == -1: the server's FIN
                        total += n;
                    }
                    System.out.println(Msg.get("LingerClient.fin", total));
                } catch (SocketTimeoutException e) {
                    throw new IOException(Msg.get("LingerClient.silence", timeout.get().toMillis(), total), e);
                } catch (IOException e) {
                    if (deadline.passed()) {
                        throw deadline.explain(e);
                    }
                    // RST: the data already received was read first; then this read fails
                    System.out.println(Msg.get("LingerClient.reset", total, Cli.describe(e)));
                } finally {
                    deadline.close();
                }
            }
        });
    }
}
