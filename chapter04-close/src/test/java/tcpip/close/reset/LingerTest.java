package tcpip.close.reset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.Background;
import tcpip.narration.Narrator;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** SO_LINGER 0 turns close() into an RST; SO_LINGER n makes close() wait for the ACK, at most n seconds. */
@Isolated // a lingering close() must not be cut short: with other classes beside it, it returned after 6 ms in 3 of 4 builds
@Timeout(30)
class LingerTest {

    private static final int DATA = 1000;
    private final Narrator quiet = new Narrator(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    @BeforeEach
    void needsProc() {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
    }

    private record ChannelPair(ServerSocketChannel listener, SocketChannel server, Socket client) implements AutoCloseable {
        static ChannelPair open(int clientRcvbuf) throws Exception {
            ServerSocketChannel l = ServerSocketChannel.open();
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Socket c = new Socket();
            if (clientRcvbuf > 0) {
                c.setReceiveBufferSize(clientRcvbuf);
            }
            c.connect(l.getLocalAddress(), 5_000);
            c.setSoTimeout(5_000);
            return new ChannelPair(l, l.accept(), c);
        }

        int port() {
            return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
        }

        @Override
        public void close() throws Exception {
            try (listener; server; client) {
                // all closed
            }
        }
    }

    @Test
    void lingerZeroSendsRstDataStillArrivesFirstAndNoTimeWaitRemains() throws Exception {
        try (ChannelPair p = ChannelPair.open(0)) {
            int port = p.port();
            int clientPort = p.client().getLocalPort();
            LingerServer.sendAndClose(p.server(), DATA, 0, quiet);

            assertThat(SocketTable.connection(port, clientPort)).as("RST frees the server's row at once").isEmpty();
            InputStream in = p.client().getInputStream();
            assertThat(in.readNBytes(DATA)).as("bytes sent before the RST are read first").hasSize(DATA);
            assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
            assertThat(SocketTable.read(r -> r.hasPort(port) && r.hasPort(clientPort)))
                    .as("no row, so no TIME_WAIT, on either side after an RST").isEmpty();
        }
    }

    @Test
    void lingerSecondsBlocksCloseWhileThePeersWindowIsFull() throws Exception {
        try (ChannelPair p = ChannelPair.open(16 * 1024)) {
            p.server().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
            ByteArrayOutputStream told = new ByteArrayOutputStream();
            Duration took = LingerServer.sendAndClose(p.server(), 64L << 20, 1,
                    new Narrator(new PrintStream(told, true, StandardCharsets.UTF_8)));
            assertThat(took).as("close() with SO_LINGER 1 against a full window waits about 1 s; the run said:%n%s",
                            told.toString(StandardCharsets.UTF_8))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(4));
            SocketRow orphan = SocketTable.connection(p.port(), p.client().getLocalPort()).orElseThrow();
            assertThat(orphan.state()).as("after the linger time the kernel still owns FIN and data").isEqualTo(TcpState.FIN_WAIT1);
            assertThat(orphan.txQueue()).as("unacknowledged bytes").isPositive();
            assertThat(orphan.inode()).as("no descriptor any more").isZero();
        }
    }

    @Test
    void lingerSecondsReturnsAsSoonAsThePeerAcknowledges() throws Exception {
        try (ChannelPair p = ChannelPair.open(0)) {
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.client().getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Background.OWN_THREAD);
            Duration took = LingerServer.sendAndClose(p.server(), 100_000, 3, quiet);
            assertThat(reader.get(5, TimeUnit.SECONDS)).as("a reading peer gets everything, then FIN").isEqualTo(100_000);
            assertThat(took).as("close() returned when the FIN was ACKed, long before 3 s").isLessThan(Duration.ofSeconds(2));
        }
    }
}
