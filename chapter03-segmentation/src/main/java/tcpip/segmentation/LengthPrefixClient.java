package tcpip.segmentation;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;

/** Sends length-prefixed frames (or, on request, a bad length) and prints the server's answers. */
public final class LengthPrefixClient {

    private LengthPrefixClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LengthPrefixClient", "Sends [4-byte length][payload] frames and prints each answer.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Integer> count = cli.intOption("--count", 3, 0, 1_000_000, "frames to send");
        Cli.Option<Long> size = cli.sizeOption("--size", 100, 0, LengthPrefixDecoder.DEFAULT_MAX_FRAME,
                "payload bytes per frame");
        Cli.Option<Boolean> bad = cli.flag("--bad-length", "then send a frame that claims 2 GiB");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(10),
                "give up if the server does not answer for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixClient -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixClient -Dargs=\"--port 7203 --bad-length\"");
        cli.parse(args);
        cli.run(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host.get(), port.get()));
                socket.setSoTimeout((int) timeout.get().toMillis());
                OutputStream out = socket.getOutputStream();
                DataInputStream in = new DataInputStream(socket.getInputStream());
                for (int i = 0; i < count.get(); i++) {
                    out.write(LengthPrefixEncoder.encode(new byte[(int) (long) size.get()]));
                    System.out.println("sent " + size.get() + " bytes, server says: " + readAnswer(in));
                }
                if (bad.get()) {
                    out.write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
                    System.out.println("sent a length prefix of " + Integer.MAX_VALUE + ", server says: "
                            + readAnswer(in));
                }
                socket.shutdownOutput(); // FIN: "no more frames"; the server's read() returns -1
            }
        });
    }

    /** Reads one answer frame: readInt() and readFully() loop over as many read() calls as needed. */
    static String readAnswer(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > LengthPrefixDecoder.DEFAULT_MAX_FRAME) {
            throw new FrameException("server sent a bad length " + length);
        }
        byte[] answer = new byte[length];
        in.readFully(answer);
        return new String(answer, StandardCharsets.UTF_8);
    }
}
