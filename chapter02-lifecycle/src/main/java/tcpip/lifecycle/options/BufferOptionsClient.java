package tcpip.lifecycle.options;


import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SsInfo;
import tcpip.lifecycle.Msg;
import tcpip.narration.Narrator;
import tcpip.net.ExchangeDeadline;
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
        Lang.chooseFrom(args);
        Cli cli = new Cli("BufferOptionsClient", Msg.get("BufferOptionsClient.summary"));
        Cli.Option<String> host = cli.host();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", DEFAULT_RCVBUF, 1, 64L << 20,
                Msg.get("BufferOptionsClient.opt.rcvbuf"));
        Cli.Option<When> when = cli.enumOption("--set", When.class, When.BEFORE_CONNECT,
                Msg.get("BufferOptionsClient.opt.set"));
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
            n.program(Msg.get(when == When.BEFORE_CONNECT ? "BufferOptionsClient.setBefore" : "BufferOptionsClient.setAfter",
                    rcvbuf, socket.getLocalPort()));
            long expected = facts.storedReceiveBuffer(rcvbuf, minimum);
            n.kernel(Msg.get("BufferOptionsClient.stored", rcvbuf, facts.rmemMax(), minimum, expected,
                    socket.getReceiveBufferSize()));
            SsInfo.of(socket.getLocalPort(), port).ifPresent(ss -> {
                long rb = ss.number("skmem.rb");
                n.kernel(Msg.get(rb == expected ? "BufferOptionsClient.ss.matches" : "BufferOptionsClient.ss.differs", rb,
                        expected, facts.tcpRmemMax()));
            });
            int expectedScale = when == When.BEFORE_CONNECT ? BufferFacts.lockedWindowScale(expected)
                    : facts.autotunedWindowScale();
            n.note(when == When.BEFORE_CONNECT
                    ? Msg.get("BufferOptionsClient.scaleLocked", expectedScale, expected / 2)
                    : Msg.get("BufferOptionsClient.scaleAutotuned", expectedScale, facts.tcpRmemMax(), facts.rmemMax()));
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
                n.kernel(Msg.get(w.receive() == expected ? "BufferOptionsClient.scale.matches"
                        : "BufferOptionsClient.scale.differs", w.receive(), expected));
            }
        }, () -> n.kernel(Msg.get("BufferOptionsClient.noSs", localPort, PacketCapture.command(remotePort))));
    }

    private static void readReply(Narrator n, Socket socket) throws IOException {
        socket.setSoTimeout(Math.toIntExact(READ_TIMEOUT.toMillis()));
        InputStream in = socket.getInputStream();
        byte[] reply;
        // SO_TIMEOUT ends a silence; this ends a reply that trickles a byte at a time: 5 s for all of it.
        try (ExchangeDeadline deadline = ExchangeDeadline.arm(socket, READ_TIMEOUT)) {
            try {
                reply = in.readNBytes(MAX_REPLY); // up to the server's FIN (read() == -1) or MAX_REPLY bytes
            } catch (IOException e) {
                throw deadline.explain(e);
            }
        }
        if (reply.length > 0) {
            n.result(Msg.get("BufferOptionsClient.reply", LogSafe.text(new String(reply, StandardCharsets.UTF_8).strip())));
        }
    }
}
