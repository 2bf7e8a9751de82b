package tcpip.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import tcpip.echo.blocking.EchoServer;

/** An EchoServer serving on a background thread for one test: loopback, port 0. */
final class RunningServer implements AutoCloseable {

    final EchoServer server;
    final Thread thread;

    private RunningServer(EchoServer server) {
        this.server = server;
        this.thread = Thread.ofPlatform().name("echo-server-under-test").start(server::serve);
    }

    static RunningServer start(EchoServer.Mode mode) throws IOException {
        return start(InetAddress.getLoopbackAddress(), mode, 100, Duration.ofSeconds(20));
    }

    static RunningServer start(InetAddress address, EchoServer.Mode mode, int maxConnections, Duration idle)
            throws IOException {
        return new RunningServer(EchoServer.bind(address, 0, mode, maxConnections, idle, null));
    }

    int port() {
        return server.port();
    }

    InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(Duration.ofSeconds(5));
    }
}
