package tcpip.segmentation.framing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.segmentation.Msg;
import tcpip.segmentation.ServerOptions;
import tcpip.net.LogSafe;

/** Sends length-prefixed frames (or, on request, a bad length) and prints the server's answers. */
public final class LengthPrefixClient {

    private LengthPrefixClient() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("LengthPrefixClient", Msg.get("LengthPrefixClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Integer> count = cli.intOption("--count", 3, 0, 1_000_000, Msg.get("LengthPrefixClient.opt.count"));
        Cli.Option<Long> size = cli.sizeOption("--size", 100, 0, LengthPrefixDecoder.DEFAULT_MAX_FRAME,
                Msg.get("LengthPrefixClient.opt.size"));
        Cli.Option<Boolean> bad = cli.flag("--bad-length",
                Msg.get("LengthPrefixClient.opt.badLength"));
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                Msg.get("LengthPrefixClient.opt.readTimeout"));
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixClient -Dargs=\"--port 7203 --bad-length\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()), Math.toIntExact(timeout.get().toMillis()));
                socket.setSoTimeout(Math.toIntExact(timeout.get().toMillis()));
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                int payload = Math.toIntExact(size.get());
                for (int i = 1; i <= count.get(); i++) {
                    String answer = LengthPrefixCore.exchange(socket, new byte[payload]);
                    if (!answer.equals("frame " + i + ": " + payload + " bytes")) {
                        throw new IOException(Msg.get("LengthPrefixClient.unexpected", LogSafe.text(answer)));
                    }
                    System.out.println(Msg.get("LengthPrefixClient.sent", payload, answer));
                }
                if (bad.get()) {
                    out.write(ByteBuffer.allocate(LengthPrefixDecoder.HEADER_BYTES).putInt(Integer.MAX_VALUE).array());
                    String answer = LengthPrefixCore.readAnswer(in);
                    if (!answer.startsWith("ERROR")) {
                        throw new IOException(Msg.get("LengthPrefixClient.accepted2GiB", LogSafe.text(answer)));
                    }
                    System.out.println(Msg.get("LengthPrefixClient.sentBad", Integer.MAX_VALUE, answer));
                }
                socket.shutdownOutput(); // FIN: "no more frames"; the server's read() returns -1
            }
        });
    }
}
