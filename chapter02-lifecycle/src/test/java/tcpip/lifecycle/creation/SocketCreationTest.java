package tcpip.lifecycle.creation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.Descriptors;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.KernelRows;
import tcpip.narration.Narrator;

/** 소켓 생성: when socket() runs, and the row the kernel keeps for the descriptor. */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SocketCreationTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @BeforeEach
    void linuxOnly() {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
    }

    @Test
    void javaNetSocketCreatesItsDescriptorOnlyWhenFirstNeeded() throws Exception {
        List<Descriptor> before = Descriptors.tcpSockets();
        try (Socket socket = new Socket()) {
            assertThat(Descriptors.newTcpSockets(before)).as("descriptors right after new Socket()").isEmpty();
            socket.setTcpNoDelay(true); // the first option touched: socket() runs now
            assertThat(Descriptors.newTcpSockets(before)).as("descriptors after the first option").hasSize(1);
        }
        assertThat(Descriptors.newTcpSockets(before)).as("descriptors after close()").isEmpty();
    }

    @Test
    void javaNetSocketCreatesItsDescriptorAtBind() throws Exception {
        List<Descriptor> before = Descriptors.tcpSockets();
        try (Socket socket = CreationCore.newSocket()) {
            assertThat(Descriptors.newTcpSockets(before)).isEmpty();
            CreationCore.bindOnly(socket, new InetSocketAddress(LOOPBACK, 0));
            assertThat(Descriptors.newTcpSockets(before)).hasSize(1);
        }
    }

    @Test
    void aBoundSocketHasNoRowUntilItListens() throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(LOOPBACK, 0), 1); // java.net: bind + listen in one call
            assertThat(SocketTable.onPort(server.getLocalPort()).stream()
                    .filter(r -> r.state() == tcpip.kernel.TcpState.LISTEN).toList()).as("a listening socket has its row")
                    .hasSize(1);
        }
        try (Socket bound = CreationCore.newSocket()) {
            CreationCore.bindOnly(bound, new InetSocketAddress(LOOPBACK, 0));
            assertThat(bound.getLocalPort()).isPositive();
            // Not "no row because no address": it has an address and a port, and still no row.
            // Only rows of this socket: other tests' connections to a port the kernel used before may
            // still sit in TIME_WAIT with it as their remote port.
            int port = bound.getLocalPort();
            assertThat(SocketTable.onPort(port).stream().filter(r -> r.localPort() == port)
                    .filter(r -> r.state() != tcpip.kernel.TcpState.TIME_WAIT).toList())
                    .as("bound, not listening, not connected").isEmpty();
        }
    }

    @Test
    void dualStackRowsLiveInTcp6() throws Exception {
        try (tcpip.net.LoopbackPair pair = tcpip.net.LoopbackPair.open()) {
            SocketRow row = KernelAwait.await(pair.clientPort(), pair.serverPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            assertThat(row.ipv6Table()).as("JDK sockets are AF_INET6 dual-stack unless preferIPv4Stack is set")
                    .isEqualTo(!Boolean.getBoolean("java.net.preferIPv4Stack"));
            if (row.ipv6Table()) {
                assertThat(KernelRows.whereFrom(row)).contains("/proc/net/tcp6").contains("::ffff:127.0.0.1");
            }
        }
    }

    @Test
    void socketChannelCreatesItAtOnceAndTheRowAppearsWithConnect() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            List<Descriptor> before = Descriptors.tcpSockets();
            try (SocketChannel channel = SocketChannel.open()) {
                List<Descriptor> created = Descriptors.newTcpSockets(before);
                assertThat(created).as("SocketChannel.open() runs socket() at once").hasSize(1);
                long inode = created.get(0).socketInode();
                assertThat(SocketTable.read(r -> r.inode() == inode)).as("no row before connect()").isEmpty();

                channel.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
                int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                SocketRow row = KernelAwait.await(local, server.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
                assertThat(row.inode()).as("the row's inode is the descriptor's socket:[inode]").isEqualTo(inode);
                assertThat(Descriptors.of(row)).contains(created.get(0));
            }
            assertThat(Descriptors.newTcpSockets(before)).isEmpty();
        }
    }

    @Test
    void probeReportsLazyAndImmediateCreationAndTheRow() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            SocketCreationProbe.probe(new Narrator(new PrintStream(buffer, true, StandardCharsets.UTF_8)),
                    "127.0.0.1", server.getLocalPort());
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("new TCP descriptors: 0  (no socket() system call yet)")
                .contains("socket() ran at once").contains("rows in /proc/net/tcp*: 0").contains("code    | CreationCore.java")
                .contains("ESTABLISHED")
                .containsPattern("fd \\d+ -> socket:\\[\\d+]");
    }
}
