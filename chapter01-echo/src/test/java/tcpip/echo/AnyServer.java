package tcpip.echo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.nio.NioEchoServer;
import tcpip.echo.selector.SelectorEchoServer;

/** Any of the chapter's echo servers, serving on a background thread for one test: loopback, port 0. */
final class AnyServer implements AutoCloseable {

    /** Every server of the chapter: the three EchoServer modes, the blocking NIO one and the Selector one. */
    enum Kind { ITERATIVE, THREAD_PER_CLIENT, VIRTUAL, NIO, SELECTOR }

    private final AutoCloseable server;
    private final InetSocketAddress address;
    private final java.util.function.IntSupplier open;
    private final java.util.function.LongSupplier accepted;
    final Thread thread;

    private AnyServer(AutoCloseable server, InetSocketAddress address, java.util.function.IntSupplier open,
            java.util.function.LongSupplier accepted, Runnable serve) {
        this.accepted = accepted;
        this.server = server;
        this.address = address;
        this.open = open;
        this.thread = Thread.ofPlatform().name("server-under-test").start(serve);
    }

    static AnyServer start(Kind kind, EchoLimits limits) throws IOException {
        return start(kind, limits, null);
    }

    /** With the server's own log lines going to {@code log} (null: silent). */
    static AnyServer start(Kind kind, EchoLimits limits, java.io.PrintStream log) throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        return switch (kind) {
            case NIO -> {
                NioEchoServer s = NioEchoServer.bind(lo, 0, limits, log);
                yield new AnyServer(s, s.address(), s::openConnections, s::acceptedConnections, s::serve);
            }
            case SELECTOR -> {
                SelectorEchoServer s = SelectorEchoServer.bind(lo, 0, limits, log);
                yield new AnyServer(s, s.address(), s::openConnections, s::acceptedConnections, () -> {
                    try {
                        s.serve();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            default -> {
                EchoServer s = EchoServer.bind(lo, 0, EchoServer.Mode.valueOf(kind.name()), limits, log);
                yield new AnyServer(s, s.address(), s::openConnections, s::acceptedConnections, s::serve);
            }
        };
    }

    InetSocketAddress address() {
        return address;
    }

    long acceptedConnections() {
        return accepted.getAsLong();
    }

    int openConnections() {
        return open.getAsInt();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(Duration.ofSeconds(5));
    }
}
