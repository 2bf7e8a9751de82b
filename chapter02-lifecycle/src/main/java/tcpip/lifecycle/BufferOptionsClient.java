package tcpip.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.net.LogSafe;

/**
 * Sets SO_RCVBUF before or after connect() and compares, live, what Java reports, what the kernel
 * stores and the window scale the SYN carried with what this kernel's settings predict (article:
 * Three way handshake, the window). Core: {@link OptionsCore}.
 */
public final class BufferOptionsClient {

    private static final int DEFAULT_PORT = 7102;
    private static final long DEFAULT_RCVBUF = 4 * 1024;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_REPLY = 1024;

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
                "Sets SO_RCVBUF before or after connect() and compares Java's number, the kernel's and the"
                        + " window scale with what this kernel's settings predict; exits 1 on any failure.");
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

    /** Connects with SO_RCVBUF set at the chosen moment and reports what the kernel did with it. */
    static void run(Narrator n, String host, int port, int rcvbuf, When when) throws IOException {
        BufferFacts facts = BufferFacts.ofThisKernel();
        long minimum = kernelMinimum();
        InetSocketAddress server = new InetSocketAddress(host, port);
        try (Socket socket = when == When.BEFORE_CONNECT ? OptionsCore.connectWithBufferFirst(server, rcvbuf)
                : OptionsCore.connectWithBufferLater(server, rcvbuf)) {
            n.program("setReceiveBufferSize(" + rcvbuf + ") " + (when == When.BEFORE_CONNECT ? "before" : "after")
                    + " connect(), from local port " + socket.getLocalPort());
            long expected = facts.storedReceiveBuffer(rcvbuf, minimum);
            n.kernel("the kernel stores 2 x min(" + rcvbuf + ", rmem_max " + facts.rmemMax() + "), at least its minimum "
                    + minimum + ": expected " + expected + "; Java's getter shows " + socket.getReceiveBufferSize()
                    + " (the JDK halves what getsockopt returns)");
            SsInfo.of(socket.getLocalPort(), port).ifPresent(ss -> {
                long rb = ss.number("skmem.rb");
                n.kernel("ss skmem rb=" + rb + (rb == expected ? ": matches" : ": does NOT match") + " the expected "
                        + expected + "; receive autotuning is now off for this socket (it would grow toward"
                        + " tcp_rmem[2] = " + facts.tcpRmemMax() + ")");
            });
            int expectedScale = when == When.BEFORE_CONNECT ? BufferFacts.lockedWindowScale(expected)
                    : facts.autotunedWindowScale();
            n.note(when == When.BEFORE_CONNECT
                    ? "expected scale " + expectedScale + ": the smallest shift that fits about half the locked buffer ("
                            + expected / 2 + " bytes) in the 16-bit window field"
                    : "expected scale " + expectedScale + ": computed at connect() from max(tcp_rmem[2] "
                            + facts.tcpRmemMax() + ", rmem_max " + facts.rmemMax() + "), not from the buffer set later");
            showScale(n, socket.getLocalPort(), port, expectedScale);
            readReply(n, socket);
        }
    }

    /** The smallest receive buffer the kernel stores, measured by asking for 1 byte. */
    static long kernelMinimum() throws IOException {
        try (Socket probe = new Socket()) {
            probe.setReceiveBufferSize(1);
            return 2L * probe.getReceiveBufferSize();
        }
    }

    /** Prints the scales ss reports for a connection, compared with {@code expected} (-1: no comparison). */
    static void showScale(Narrator n, int localPort, int remotePort, int expected) {
        WindowScale.of(localPort, remotePort).ifPresentOrElse(w -> {
            n.kernel(w.describe());
            if (expected >= 0) {
                n.kernel("our scale " + w.receive() + (w.receive() == expected ? " matches" : " does NOT match")
                        + " the expected " + expected);
            }
        }, () -> n.kernel("ss not available: see the scale with  ss -tin 'sport = :" + localPort
                + "'  or in the SYN with  " + PacketCapture.command(remotePort)));
    }

    private static void readReply(Narrator n, Socket socket) throws IOException {
        socket.setSoTimeout(Math.toIntExact(READ_TIMEOUT.toMillis()));
        InputStream in = socket.getInputStream();
        byte[] reply = in.readNBytes(MAX_REPLY); // up to the server's FIN (read() == -1) or MAX_REPLY bytes
        if (reply.length > 0) {
            n.result("server says: " + LogSafe.text(new String(reply, StandardCharsets.UTF_8).strip()));
        }
    }
}
