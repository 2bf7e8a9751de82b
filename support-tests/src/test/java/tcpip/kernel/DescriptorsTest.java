package tcpip.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
class DescriptorsTest {

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void findsTheSocketItJustCreatedAndItsTableRow() throws Exception {
        assumeTrue(Descriptors.available() && SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Descriptors.Descriptor> before = Descriptors.tcpSockets();
            try (SocketChannel channel = SocketChannel.open()) {
                // SocketChannel.open(): socket() runs at once, a new descriptor exists
                List<Descriptors.Descriptor> created = Descriptors.newTcpSockets(before);
                assertThat(created).hasSize(1);
                Descriptors.Descriptor fd = created.get(0);
                assertThat(fd.fd()).isGreaterThanOrEqualTo(3);
                assertThat(fd.target()).isEqualTo("socket:[" + fd.socketInode() + "]");

                channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                int local = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                SocketRow row = KernelAwait.await(local, server.getLocalPort(), TcpState.ESTABLISHED,
                        Duration.ofSeconds(5));
                assertThat(row.inode()).isEqualTo(fd.socketInode());
                assertThat(Descriptors.of(row)).contains(fd);
            }
            assertThat(Descriptors.newTcpSockets(before)).isEmpty();
        }
    }
}
