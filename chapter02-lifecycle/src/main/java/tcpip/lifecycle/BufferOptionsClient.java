package tcpip.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;

/**
 * Sets SO_RCVBUF before or after connect() and shows the window scale the SYN carried: only a
 * size set before the handshake shapes it (article: Three way handshake, the window).
 */
public final class BufferOptionsClient {

    private static final int DEFAULT_PORT = 7102;
    private static final long DEFAULT_RCVBUF = 4 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int BUFSIZE = 1024;

    /** When the receive buffer size is set. */
    public enum When {
        /** Before connect(): the kernel sizes the window scale in the SYN from it. */
        BEFORE_CONNECT,
        /** After connect(): the scale was agreed already; the buffer changes, the scale cannot. */
        AFTER_CONNECT
    }

    private BufferOptionsClient() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("BufferOptionsClient",
                "Sets SO_RCVBUF before or after connect() and shows the window scale agreed in the handshake.");
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", DEFAULT_RCVBUF, 1, 64L << 20,
                "receive buffer size to ask for (SO_RCVBUF)");
        Cli.Option<When> when = cli.enumOption("--set", When.class, When.BEFORE_CONNECT,
                "when to set SO_RCVBUF");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=BufferOptionsClient -Dargs=\"--port 7105 --set after-connect\"");
        cli.parse(args);
        cli.run(() -> run(Narrator.stdout(), host.get(), port.get(), rcvbuf.get().intValue(), when.get()));
    }

    /** Connects with SO_RCVBUF set at the chosen moment and reports what the kernel agreed. */
    static void run(Narrator n, String host, int port, int rcvbuf, When when) throws IOException {
        try (Socket socket = new Socket()) {
            n.note("default receive buffer: " + socket.getReceiveBufferSize() + " bytes");
            if (when == When.BEFORE_CONNECT) {
                // Before connect(): the SYN will announce a window scale that fits this buffer.
                socket.setReceiveBufferSize(rcvbuf);
                n.program("socket.setReceiveBufferSize(" + rcvbuf + ") before connect()");
            }
            // connect(): SYN carries our window scale; SYN+ACK carries the server's. Fixed from now on.
            socket.connect(new InetSocketAddress(host, port));
            n.program("socket.connect(" + host + ":" + port + ") from local port " + socket.getLocalPort());
            if (when == When.AFTER_CONNECT) {
                // After the handshake: the buffer shrinks, but the scale in the SYN stays.
                socket.setReceiveBufferSize(rcvbuf);
                n.program("socket.setReceiveBufferSize(" + rcvbuf + ") after connect(): too late for the SYN");
            }
            n.kernel("SO_RCVBUF now " + socket.getReceiveBufferSize() + " bytes (Linux keeps double that"
                    + " internally for its own bookkeeping)");
            showScale(n, socket.getLocalPort(), port);
            drain(n, socket);
        }
    }

    /** Prints the window scale of a connection from ss, or how to see it. */
    static void showScale(Narrator n, int localPort, int remotePort) {
        WindowScale.of(localPort, remotePort).ifPresentOrElse(
                w -> n.kernel(w.describe()),
                () -> n.kernel("ss not available: see the scale with  ss -tin 'sport = :" + localPort
                        + "'  or in the SYN with  " + tcpip.kernel.PacketCapture.command(remotePort)));
    }

    private static void drain(Narrator n, Socket socket) throws IOException {
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[BUFSIZE];
        StringBuilder text = new StringBuilder();
        int got;
        // read() == -1: the server's FIN arrived.
        while ((got = in.read(buf)) != -1 && text.length() < BUFSIZE) {
            text.append(new String(buf, 0, got, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (!text.isEmpty()) {
            n.result("server says: " + text.toString().strip());
        }
    }
}
