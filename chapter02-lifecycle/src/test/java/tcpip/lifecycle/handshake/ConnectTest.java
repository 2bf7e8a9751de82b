package tcpip.lifecycle.handshake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** 소켓 연결 설정 and Three way handshake: the kernel's side of connect(). */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConnectTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
    }

    @Test
    void theKernelPicksTheClientsPortFromTheEphemeralRange() throws Exception {
        assumeTrue(Files.isReadable(PORT_RANGE), "no " + PORT_RANGE);
        String[] range = Files.readAllLines(PORT_RANGE).get(0).trim().split("\\s+");
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK); Socket client = new Socket()) {
            client.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
            assertThat(client.getLocalPort()).as("ephemeral port chosen at connect()")
                    .isBetween(Integer.parseInt(range[0]), Integer.parseInt(range[1]))
                    .isNotEqualTo(server.getLocalPort());
        }
    }

    @Test
    void connectReturnsWithBothEndsEstablishedAndTheConnectionQueuedBeforeAccept() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            int port = server.getLocalPort();
            List<Descriptor> before = Descriptors.tcpSockets();
            try (Socket client = new Socket(LOOPBACK, port)) {
                SocketRow clientRow = KernelAwait.await(client.getLocalPort(), port, TcpState.ESTABLISHED, WAIT);
                assertThat(Descriptors.of(clientRow)).as("the client's row belongs to its new descriptor")
                        .isPresent().get().isIn(Descriptors.newTcpSockets(before));

                SocketRow serverEnd = KernelAwait.await(port, client.getLocalPort(), TcpState.ESTABLISHED, WAIT);
                assertThat(serverEnd.inode()).as("no accept() yet: the server's end has no descriptor").isZero();
                KernelAwait.awaitRow(port, r -> r.state() == TcpState.LISTEN && r.rxQueue() == 1,
                        WAIT, "LISTEN row with accept queue 1");

                try (Socket accepted = server.accept()) {
                    assertThat(SocketTable.listener(port).orElseThrow().rxQueue()).as("accept queue after accept()")
                            .isZero();
                    SocketRow acceptedRow = SocketTable.connection(port, client.getLocalPort()).orElseThrow();
                    assertThat(acceptedRow.state()).isEqualTo(TcpState.ESTABLISHED);
                    assertThat(acceptedRow.inode()).as("accept() gave it a descriptor").isNotZero();
                    assertThat(Descriptors.of(acceptedRow)).isPresent();
                }
            }
        }
    }
}
