package tcpip.segmentation.framing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.segmentation.ServerOptions;

/** Sends length-prefixed frames (or, on request, a bad length) and prints the server's answers. */
public final class LengthPrefixClient {

    private LengthPrefixClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LengthPrefixClient", "Sends [4-byte length][payload] frames and prints each answer.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(ServerOptions.DEFAULT_PORT);
        Cli.Option<Integer> count = cli.intOption("--count", 3, 0, 1_000_000, "frames to send");
        Cli.Option<Long> size = cli.sizeOption("--size", 100, 0, LengthPrefixDecoder.DEFAULT_MAX_FRAME,
                "payload bytes per frame");
        Cli.Option<Boolean> bad = cli.flag("--bad-length",
                "then send a frame that claims 2 GiB (the server must refuse it with an ERROR answer)");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                "give up if the server does not answer for this long");
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
                        throw new IOException("unexpected answer from the server: '" + tcpip.net.LogSafe.text(answer) + "'");
                    }
                    System.out.println("sent " + payload + " bytes, server says: " + answer);
                }
                if (bad.get()) {
                    out.write(ByteBuffer.allocate(LengthPrefixDecoder.HEADER_BYTES).putInt(Integer.MAX_VALUE).array());
                    String answer = LengthPrefixCore.readAnswer(in);
                    if (!answer.startsWith("ERROR")) {
                        throw new IOException("the server accepted a 2 GiB length: '" + tcpip.net.LogSafe.text(answer) + "'");
                    }
                    System.out.println("sent a length prefix of " + Integer.MAX_VALUE + ", server says: " + answer);
                }
                socket.shutdownOutput(); // FIN: "no more frames"; the server's read() returns -1
            }
        });
    }
}
