package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SocketTableTest {

    // Lines recorded from this machine's /proc/net/tcp and /proc/net/tcp6.
    private static final String V4_LISTEN =
            "   1: 0100007F:E49D 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 8427 2 0000000024517740 100 0 0 10 0";
    private static final String V4_ACCEPTED_NOT_TAKEN =
            "   3: 0100007F:E49D 0100007F:E7F8 01 00000000:00000005 00:00000000 00000000     0        0 0 1 000000009381de7d 20 4 30 10 -1";
    private static final String V6_CLOSE_WAIT =
            "   1: 00000000000000000000000001000000:E1B6 00000000000000000000000001000000:BA2F 08 00000000:00000001 00:00000000 00000000     0        0 8430 2 0000000040d14dd5 20 4 0 10 -1";
    private static final String V6_ORPHAN_FIN_WAIT2 =
            "   2: 00000000000000000000000001000000:BA2F 00000000000000000000000001000000:E1B6 05 00000000:00000000 03:00001751 00000000     0        0 0 3 0000000063ff3bca";
    private static final String V6_MAPPED_TIME_WAIT =
            "   4: 0000000000000000FFFF00000100007F:1B5F 0000000000000000FFFF00000100007F:D0E8 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000";

    @Test
    void ipv4ListenRowShowsAcceptQueueInRxQueue() throws Exception {
        SocketRow row = SocketTable.parseLine(V4_LISTEN, false);
        assertThat(row.localAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(row.localPort()).isEqualTo(0xE49D); // ports are big-endian hex
        assertThat(row.remoteAddress()).isEqualTo(InetAddress.getByName("0.0.0.0"));
        assertThat(row.state()).isEqualTo(TcpState.LISTEN);
        assertThat(row.rxQueue()).isEqualTo(1);
        assertThat(row.inode()).isEqualTo(8427);
        assertThat(row.ipv6Table()).isFalse();
    }

    @Test
    void connectionNotYetAcceptedHasInodeZeroAndQueuedBytes() {
        SocketRow row = SocketTable.parseLine(V4_ACCEPTED_NOT_TAKEN, false);
        assertThat(row.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(row.rxQueue()).isEqualTo(5);
        assertThat(row.inode()).isZero();
        assertThat(row.describe()).contains("no descriptor");
    }

    @Test
    void ipv6LoopbackWordsAreLittleEndian() throws Exception {
        SocketRow row = SocketTable.parseLine(V6_CLOSE_WAIT, true);
        assertThat(row.localAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(row.local()).isEqualTo("[0:0:0:0:0:0:0:1]:" + 0xE1B6);
        assertThat(row.state()).isEqualTo(TcpState.CLOSE_WAIT);
        assertThat(row.ipv6Table()).isTrue();
    }

    @Test
    void orphanFinWait2RunsTheFinTimeout() {
        SocketRow row = SocketTable.parseLine(V6_ORPHAN_FIN_WAIT2, true);
        assertThat(row.state()).isEqualTo(TcpState.FIN_WAIT2);
        assertThat(row.inode()).isZero();
        assertThat(row.timer()).isEqualTo(TimerKind.TIME_WAIT);
        assertThat(row.timerLeft()).isEqualTo(Duration.ofMillis(0x1751 * 10L));
    }

    @Test
    void ipv4MappedAddressInTcp6IsReportedAsIpv4() throws Exception {
        SocketRow row = SocketTable.parseLine(V6_MAPPED_TIME_WAIT, true);
        assertThat(row.localAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(row.local()).isEqualTo("127.0.0.1:7007");
        assertThat(row.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(row.timerLeft()).isEqualTo(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @EnumSource(value = TcpState.class, names = "NEW_SYN_RECV", mode = EnumSource.Mode.EXCLUDE)
    void everyStateCodeParsesInBothFiles(TcpState state) {
        String st = String.format("%02X", state.code());
        assertThat(SocketTable.parseLine(V4_LISTEN.replace(" 0A ", " " + st + " "), false).state()).isEqualTo(state);
        assertThat(SocketTable.parseLine(V6_CLOSE_WAIT.replace(" 08 ", " " + st + " "), true).state())
                .isEqualTo(state);
    }

    @Test
    void headerAndGarbageAreRejectedWithTheLine() {
        assertThatThrownBy(() -> SocketTable.parseLine("  sl  local_address rem_address   st", false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a /proc/net/tcp line");
        assertThatThrownBy(() -> SocketTable.parseLine(V4_LISTEN.replace("0100007F", "01007F"), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void liveConnectionAppearsOnBothEndsWithBytesInTheReceiveQueue() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            client.getOutputStream().write(new byte[] {1, 2, 3});
            int cport = client.getLocalPort();
            int sport = server.getLocalPort();

            SocketRow listen = SocketTable.listener(sport).orElseThrow();
            assertThat(listen.inode()).isNotZero();
            // not accepted yet: the server end exists, without a descriptor, holding our 3 bytes
            SocketRow serverEnd = KernelAwait.awaitRow(sport, r -> r.remotePort() == cport
                    && r.rxQueue() == 3, Duration.ofSeconds(5), "3 bytes queued");
            assertThat(serverEnd.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(serverEnd.inode()).isZero();
            SocketRow clientEnd = KernelAwait.await(cport, sport, TcpState.ESTABLISHED, Duration.ofSeconds(5));
            assertThat(clientEnd.inode()).isNotZero();
            assertThat(clientEnd.localAddress().isLoopbackAddress()).isTrue();

            try (Socket accepted = server.accept()) {
                SocketRow taken = KernelAwait.awaitRow(sport, r -> r.remotePort() == cport
                        && r.inode() != 0, Duration.ofSeconds(5), "accepted connection with an inode");
                assertThat(Descriptors.of(taken)).isPresent();
            }
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void boundToShowsTheSocketsOnThatAddressNotAConnectionToIt() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket accepted = listener.accept()) {
            InetSocketAddress at = (InetSocketAddress) listener.getLocalSocketAddress();
            KernelAwait.await(client.getLocalPort(), at.getPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            assertThat(SocketTable.boundTo(at)).as("the listener and the connection it accepted")
                    .extracting(SocketRow::state).containsExactlyInAnyOrder(TcpState.LISTEN, TcpState.ESTABLISHED);
            assertThat(SocketTable.onPort(at.getPort())).as("onPort also shows the client's end")
                    .anyMatch(r -> r.localPort() == client.getLocalPort());
            assertThat(SocketTable.boundTo(at)).as("boundTo does not").noneMatch(r -> r.localPort() == client.getLocalPort());
            assertThat(SocketTable.boundTo(new InetSocketAddress(InetAddress.getByName("::1"), at.getPort())))
                    .as("the same port number on ::1 is another address").isEmpty();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aReadByPortsGivesTheRowsTheWholeTableHasForThosePorts() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                Socket accepted = listener.accept()) {
            int sport = listener.getLocalPort();
            int cport = client.getLocalPort();
            KernelAwait.await(cport, sport, TcpState.ESTABLISHED, Duration.ofSeconds(5));
            assertThat(SocketTable.connectionRows(sport, cport)).as("the server's end of the connection, read by ports")
                    .isEqualTo(SocketTable.read(r -> r.localPort() == sport && r.remotePort() == cport))
                    .singleElement().extracting(SocketRow::inode).isNotEqualTo(0L);
            assertThat(SocketTable.onPort(sport)).extracting(SocketRow::state)
                    .containsExactlyInAnyOrder(TcpState.LISTEN, TcpState.ESTABLISHED, TcpState.ESTABLISHED);
            assertThat(SocketTable.listener(sport)).get().extracting(SocketRow::inode).isNotEqualTo(0L);
            assertThat(SocketTable.listener(cport)).as("a client's port has no LISTEN row").isEmpty();
            assertThat(SocketTable.readPorts((local, remote) -> false)).isEmpty();
        }
    }
}
