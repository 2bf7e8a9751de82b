package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.testing.MainRunner;

/** What must be decided before the handshake: SO_REUSEADDR before bind, SO_RCVBUF before the SYN. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EarlyOptionsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int SMALL_RCVBUF = 4 * 1024;
    private static final Path WINDOW_SCALING = Path.of("/proc/sys/net/ipv4/tcp_window_scaling");

    /** Leaves a TIME_WAIT on a server port (the server closes first) and returns that port. */
    private static int portWithTimeWait() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            port = server.getLocalPort();
            server.accept().close(); // the server's FIN goes first
            assertThat(client.getInputStream().read()).as("client sees the server's FIN").isEqualTo(-1);
        }
        KernelAwait.awaitRow(r -> r.localPort() == port && r.state() == TcpState.TIME_WAIT, WAIT, "TIME_WAIT on " + port);
        return port;
    }

    @Test
    void reuseAddressDecidesAtBindWhetherATimeWaitBlocksTheRestart() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        int port = portWithTimeWait();
        try (ServerSocketChannel restart = ServerSocketChannel.open()) {
            restart.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            assertThatThrownBy(() -> restart.bind(new InetSocketAddress(LOOPBACK, port)))
                    .as("bind() without SO_REUSEADDR while a TIME_WAIT holds the port")
                    .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
            // Not too late yet: nothing is bound. The kernel looks at the flag when bind() runs.
            restart.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            restart.bind(new InetSocketAddress(LOOPBACK, port));
            assertThat(SocketTable.listener(port)).as("listening beside the TIME_WAIT").isPresent();
        }
    }

    @Test
    void earlyOptionsServerExplainsAFailedRestartWithoutReuseAddress() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        int port = portWithTimeWait();
        MainRunner.Result r = MainRunner.run(Duration.ofSeconds(15), EarlyOptionsServer.class,
                "--port", String.valueOf(port), "--no-reuse-address");
        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).contains("Address already in use");
        assertThat(r.stdout()).contains("TIME_WAIT").contains("SO_REUSEADDR");
    }

    @Test
    void acceptedSocketsInheritTheListenersReceiveBuffer() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(SMALL_RCVBUF); // before bind: accepted sockets copy it
            server.bind(new InetSocketAddress(LOOPBACK, 0));
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket accepted = server.accept()) {
                assertThat(accepted.getReceiveBufferSize()).isEqualTo(server.getReceiveBufferSize());
            }
        }
    }

    @Test
    void onlyABufferSetBeforeConnectShapesTheWindowScaleInTheSyn() throws Exception {
        assumeTrue(WindowScale.available(), "ss (iproute2) is not installed: the window scale is not visible");
        assumeTrue(Files.isReadable(WINDOW_SCALING) && Files.readAllLines(WINDOW_SCALING).get(0).trim().equals("1"),
                "window scaling is off on this machine");
        try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK)) {
            WindowScale early;
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(SMALL_RCVBUF);
                client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
                early = WindowScale.of(client.getLocalPort(), server.getLocalPort()).orElseThrow();
                server.accept().close();
            }
            WindowScale late;
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                client.setReceiveBufferSize(SMALL_RCVBUF); // accepted by the kernel, but the SYN has gone
                assertThat(client.getReceiveBufferSize()).isEqualTo(SMALL_RCVBUF);
                late = WindowScale.of(client.getLocalPort(), server.getLocalPort()).orElseThrow();
                server.accept().close();
            }
            assertThat(early.receive()).as("a 4 KiB buffer set before connect() needs no scaling").isZero();
            assertThat(late.receive()).as("set after connect(): the SYN announced the default scale")
                    .isGreaterThan(early.receive());
        }
    }
}
