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
import tcpip.cli.Cli;

/**
 * Serves newline-delimited messages (delimiter framing) and answers each line with one line;
 * a client whose line grows past the maximum gets an error and is closed, the others carry on.
 */
public final class LineServer implements AutoCloseable {

    /** Bytes per read() at most. */
    public static final int BUFSIZE = 8 * 1024;

    private final ServerSocket listener;
    private final int maxLine;
    private final Duration readTimeout;
    private final PrintStream log;

    public LineServer(ServerSocket listener, int maxLine, Duration readTimeout, PrintStream log) {
        this.listener = listener;
        this.maxLine = maxLine;
        this.readTimeout = readTimeout;
        this.log = log;
    }

    public static void main(String[] args) {
        Cli cli = new Cli("LineServer", "Reads newline-terminated messages and answers each one.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Integer> max = cli.intOption("--max-line", LineDecoder.DEFAULT_MAX_LINE, 1, 1 << 20,
                "longest line accepted, in bytes");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=LineServer -Dargs=\"--port 7203\"");
        cli.parse(args);
        cli.run(() -> {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
            try (LineServer server = new LineServer(listener, max.get(), timeout.get(), System.out)) {
                Runtime.getRuntime().addShutdownHook(new Thread(server::close));
                System.out.println("LineServer listening on " + listener.getLocalSocketAddress() + "; Ctrl-C stops");
                server.serve();
            }
        });
    }

    /** Starts {@link #serve()} on a background thread (demos and tests). */
    public Thread start() {
        return Thread.ofPlatform().daemon().name("line-server").start(this::serve);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Accepts clients until the listener is closed; each client gets its own thread. */
    public void serve() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
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
        int lines = 0;
        try (client) {
            client.setSoTimeout((int) readTimeout.toMillis());
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            LineDecoder decoder = new LineDecoder(maxLine);
            byte[] buf = new byte[BUFSIZE];
            int n;
            try {
                while ((n = in.read(buf)) != -1) { // one read may hold many lines, or part of one
                    for (String line : decoder.feed(buf, 0, n)) {
                        lines++;
                        out.write(("line " + lines + ": " + line + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
                decoder.finish(); // the peer's FIN arrived: a line without '\n' is an error
                log.println(who + ": " + lines + " lines, closed cleanly");
            } catch (FrameException e) {
                log.println(who + ": " + e.getMessage() + "; closing this client only");
                out.write(("ERROR: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (SocketTimeoutException e) {
            log.println(who + ": sent nothing for " + readTimeout.toMillis() + " ms; closed");
        } catch (IOException e) {
            log.println(who + ": " + Cli.describe(e) + " after " + lines + " lines");
        }
    }

    @Override
    public void close() {
        ReadSizeServer.closeQuietly(listener);
    }
}
