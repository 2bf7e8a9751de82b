package tcpip.lifecycle.options;


import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.kernel.Endpoint;
import tcpip.lifecycle.Msg;
import tcpip.lifecycle.handshake.HandshakeCore;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketTable;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.Preload;

/**
 * Sets the options a server must decide before the handshake: SO_REUSEADDR before bind()
 * (restart while TIME_WAIT holds the port) and SO_RCVBUF on the listening socket (the window
 * scale of every SYN+ACK). It closes each connection first, leaving a TIME_WAIT on its port.
 * Core: {@link OptionsCore}; it accepts through {@link HandshakeCore#accept}. Hardening: the
 * shared {@link AcceptLoop}, one connection at a time (each is one short write and a close), so a
 * client that connects and resets costs one log line.
 */
public final class EarlyOptionsServer {

    private static final int DEFAULT_PORT = 7102;
    private static final int DEFAULT_SHOWN = 20;
    /**
     * The whole reply. It is far smaller than the smallest send buffer (4608 bytes), so write()
     * only copies it into the kernel's empty send buffer and returns: it cannot block on a client
     * that never reads, and needs no write deadline.
     */
    public static final byte[] REPLY = "bye: this server closes first, so the TIME_WAIT stays on its port\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** Which socket gets SO_RCVBUF. */
    public enum RcvbufOn {
        /** The listening socket, before any SYN: every SYN+ACK's window scale fits it. */
        LISTENER,
        /** Each accepted socket, after its handshake: too late for the window scale. */
        ACCEPTED
    }

    /** What the server does per connection. */
    public record Settings(int rcvbuf, RcvbufOn on, int shown) {
    }

    private EarlyOptionsServer() {
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("EarlyOptionsServer", Msg.get("EarlyOptionsServer.summary"));
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<Boolean> noReuse = cli.flag("--no-reuse-address",
                Msg.get("EarlyOptionsServer.opt.noReuseAddress"));
        Cli.Option<Long> rcvbuf = cli.sizeOption("--rcvbuf", 0, 0, 64L << 20,
                Msg.get("EarlyOptionsServer.opt.rcvbuf"));
        Cli.Option<RcvbufOn> on = cli.enumOption("--rcvbuf-on", RcvbufOn.class, RcvbufOn.LISTENER,
                Msg.get("EarlyOptionsServer.opt.rcvbufOn"));
        Cli.Option<Integer> backlog = cli.intOption("--backlog", AcceptLoop.DEFAULT_BACKLOG, 1, 65_535,
                Msg.get("EarlyOptionsServer.opt.backlog"));
        Cli.Option<Integer> shown = cli.intOption("--show", DEFAULT_SHOWN, 0, 10_000,
                Msg.get("EarlyOptionsServer.opt.show"));
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=EarlyOptionsServer -Dargs=\"--port 7105 --rcvbuf 4K\"");
        cli.example("./mvnw -q -pl chapter02-lifecycle -am compile exec:exec -Dmain=EarlyOptionsServer -Dargs=\"--port 7105 --no-reuse-address\"");
        cli.parse(args);
        cli.run(() -> {
            Narrator n = Narrator.stdout();
            // Before the first accept: out of descriptors later, no class (BufferOptionsClient ...) is loaded then.
            Preload.connectionPaths(EarlyOptionsServer.class, Msg.class, HandshakeCore.class, SocketTable.class,
                    Narrator.class);
            int size = rcvbuf.get().intValue();
            ServerSocket server = listen(n, new InetSocketAddress(bind.get(), port.get()), !noReuse.get(),
                    on.get() == RcvbufOn.LISTENER ? size : 0, backlog.get());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Closeables.closeQuietly(server)));
            serve(n, server, new Settings(size, on.get(), shown.get()));
        });
    }

    /** Binds with the options set first; explains a BindException before rethrowing it. */
    static ServerSocket listen(Narrator n, InetSocketAddress address, boolean reuseAddress, int listenerRcvbuf,
            int backlog) throws IOException {
        String options = listenerRcvbuf > 0 ? Msg.get("EarlyOptionsServer.options.rcvbuf", reuseAddress, listenerRcvbuf)
                : Msg.get("EarlyOptionsServer.options", reuseAddress);
        ServerSocket server;
        try {
            server = OptionsCore.listen(address, reuseAddress, listenerRcvbuf, backlog);
        } catch (BindException e) {
            throw new BindException(whyBindFailed(address, reuseAddress, e.getMessage())); // Cli.run: one line, exit 1
        }
        // Printed once bind() returned: whoever waits for this server's first line finds it listening.
        n.program(options);
        n.program(Msg.get("EarlyOptionsServer.listening", Endpoint.text(server.getLocalSocketAddress())));
        return server;
    }

    /**
     * The one line for a failed bind(): the kernel's words and what they mean here, by errno. Only
     * EADDRINUSE can be a TIME_WAIT, and only without SO_REUSEADDR; EADDRNOTAVAIL is an address that is
     * not this machine's ({@code --bind 8.8.8.8}); EACCES a port below 1024.
     */
    static String whyBindFailed(InetSocketAddress address, boolean reuseAddress, String kernel) {
        String why = kernel == null ? "" : kernel.toLowerCase(Locale.ROOT);
        String key;
        if (why.contains("already in use")) {
            key = reuseAddress ? "EarlyOptionsServer.bind.inUse" : "EarlyOptionsServer.bind.inUseNoReuse";
        } else if (why.contains("cannot assign requested address")) {
            key = "EarlyOptionsServer.bind.notLocal";
        } else if (why.contains("permission denied")) {
            key = "EarlyOptionsServer.bind.denied";
        } else {
            key = "EarlyOptionsServer.bindFailed";
        }
        return Msg.get(key, Endpoint.text(address), kernel, address.getPort(), address.getHostString());
    }

    /** Serves one connection at a time until the listening socket is closed. */
    public static AcceptLoop serve(Narrator n, ServerSocket server, Settings settings) {
        AtomicInteger count = new AtomicInteger();
        AcceptLoop loop = new AcceptLoop(server, HandshakeCore::accept,
                new AcceptLoop.Limits(1, AcceptLoop.DEFAULT_READ_DEADLINE), null,
                client -> answer(n, client, server.getLocalPort(), settings, count.incrementAndGet()), null,
                line -> n.line("log", line));
        loop.run();
        n.program(Msg.get("EarlyOptionsServer.closed", loop.accepted(), loop.failed()));
        return loop;
    }

    private static void answer(Narrator n, Socket client, int serverPort, Settings settings, int number)
            throws IOException {
        boolean show = number <= settings.shown();
        if (settings.rcvbuf() > 0 && settings.on() == RcvbufOn.ACCEPTED) {
            // After the handshake: the SYN+ACK already announced the scale.
            client.setReceiveBufferSize(settings.rcvbuf());
            if (show) {
                n.program(Msg.get("EarlyOptionsServer.tooLate", settings.rcvbuf()));
            }
        }
        if (show) {
            n.program(Msg.get("EarlyOptionsServer.accepted", Endpoint.text(client.getRemoteSocketAddress()),
                    client.getReceiveBufferSize()));
            BufferOptionsClient.showScale(n, serverPort, client.getPort(), -1);
        }
        client.getOutputStream().write(REPLY);
        // close() first (AcceptLoop closes after this returns): our FIN goes out first, so this
        // side will hold the TIME_WAIT.
        if (show) {
            n.program(Msg.get("EarlyOptionsServer.closingFirst", serverPort));
        } else if (number == settings.shown() + 1) {
            n.note(Msg.get("EarlyOptionsServer.more", settings.shown()));
        }
    }
}
