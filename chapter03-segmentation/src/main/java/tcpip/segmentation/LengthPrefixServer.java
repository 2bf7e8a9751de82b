package tcpip.segmentation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tcpip.cli.Cli;

/**
 * Serves length-prefixed frames ({@code [4-byte length][payload]}) and answers each with a
 * frame of its own; a client that sends a bad length gets an error and is closed while every
 * other client carries on.
 */
public final class LengthPrefixServer implements AutoCloseable {

    /** Bytes per read() at most. */
    public static final int BUFSIZE = 8 * 1024;
    /** The answer's first word when a client's framing was bad. */
    public static final String ERROR = "ERROR";

    private final ServerSocket listener;
    private final int maxFrame;
    private final Duration readTimeout;
    private final PrintStream log;

    /** A server on an already bound listener. */
    public LengthPrefixServer(ServerSocket listener, int maxFrame, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.maxFrame = maxFrame;
        this.readTimeout = readTimeout;
        this.log = log;
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LengthPrefixServer", "Reads [4-byte length][payload] frames and answers each one.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Long> max = cli.sizeOption("--max-frame", LengthPrefixDecoder.DEFAULT_MAX_FRAME, 0,
                Integer.MAX_VALUE, "largest payload accepted; larger lengths are refused before allocating");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LengthPrefixServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
            try (LengthPrefixServer server = new LengthPrefixServer(listener, (int) (long) max.get(), timeout.get(),
                    System.out)) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                System.out.println("LengthPrefixServer listening on " + listener.getLocalSocketAddress()
                        + " (max frame " + max.get() + " bytes); Ctrl-C stops");
                server.serve();
            }
        });
    }

    /** Starts {@link #serve()} on a background thread (demos and tests). */
    public Thread start() {
        return Thread.ofPlatform().daemon().name("length-prefix-server").start(this::serve);
    }

    /** The port the listener is bound to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** Accepts clients until the listener is closed; each client gets its own thread. */
    public void serve() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept(); // takes the next finished handshake off the accept queue
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    log.println("accept failed: " + Cli.describe(e));
                }
                continue;
            }
            Thread.ofVirtual().name("client-" + client.getPort()).start(() -> handle(client));
        }
    }

    private void handle(Socket client) {
        String who = "client " + client.getRemoteSocketAddress();
        int frames = 0;
        try (client) {
            client.setSoTimeout((int) readTimeout.toMillis());
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            LengthPrefixDecoder decoder = new LengthPrefixDecoder(maxFrame);
            byte[] buf = new byte[BUFSIZE];
            int n;
            try {
                while ((n = in.read(buf)) != -1) { // any number of bytes: a frame may span reads
                    List<byte[]> done = decoder.feed(buf, 0, n);
                    for (byte[] frame : done) {
                        frames++;
                        out.write(LengthPrefixEncoder.encode(("frame " + frames + ": " + frame.length + " bytes")
                                .getBytes(StandardCharsets.UTF_8)));
                    }
                }
                decoder.finish(); // read() == -1: the peer's FIN; a half frame is an error
                log.println(who + ": " + frames + " frames, closed cleanly");
            } catch (FrameException e) {
                log.println(who + ": " + e.getMessage() + "; closing this client only");
                out.write(LengthPrefixEncoder.encode((ERROR + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8)));
            }
        } catch (SocketTimeoutException e) {
            log.println(who + ": sent nothing for " + readTimeout.toMillis() + " ms; closed");
        } catch (IOException e) {
            // e.g. "Connection reset": the peer's RST arrived (it closed with unread data or SO_LINGER 0)
            log.println(who + ": " + Cli.describe(e) + " after " + frames + " frames");
        }
    }

    @Override
    public void close() {
        ReadSizeServer.closeQuietly(listener); // the accept() in serve() fails and the loop ends
    }
}
