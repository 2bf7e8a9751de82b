package tcpip.close.reset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.net.LoopbackPair;

/** Writing to a peer that closed, and closing with unread data: where RST comes from. */
@Timeout(30)
class ClosedPeerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] BYTES = "data".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void needsProc() {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
    }

    @Test
    void firstWriteSucceedsAndDrawsRstThenBrokenPipeAndReadStillSaysEndOfStream() throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            p.server().close(); // FIN
            InputStream in = p.client().getInputStream();
            OutputStream out = p.client().getOutputStream();
            assertThat(in.read()).as("the server's FIN").isEqualTo(-1);
            KernelAwait.await(p.clientPort(), p.serverPort(), TcpState.CLOSE_WAIT, WAIT);

            out.write(BYTES); // the kernel accepts it: it cannot know the peer's program is gone
            KernelAwait.awaitGone(p.clientPort(), p.serverPort(), WAIT); // the RST arrived and freed the row

            assertThatThrownBy(() -> out.write(BYTES)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Broken pipe");
            assertThat(in.read()).as("read() after the RST: the FIN came first, so still end of stream").isEqualTo(-1);
        }
    }

    @Test
    void javaSocketCloseWithUnreadDataSendsFinThenRst() throws Exception {
        try (LoopbackPair p = LoopbackPair.open().readTimeout(WAIT)) {
            p.client().getOutputStream().write(BYTES);
            ClosedPeerServer.awaitUnreadData(p.server());
            p.server().close(); // JDK: shutdown(SHUT_WR) -> FIN; close(2) with unread data -> RST
            KernelAwait.awaitGone(p.clientPort(), p.serverPort(), WAIT);
            assertThat(p.client().getInputStream().read()).as("the FIN arrived before the RST").isEqualTo(-1);
            assertThatThrownBy(() -> p.client().getOutputStream().write(BYTES)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Broken pipe");
            assertThat(SocketTable.connection(p.serverPort(), p.clientPort())).as("RST: no TIME_WAIT").isEmpty();
        }
    }

    @Test
    void plainCloseWithUnreadDataSendsRstOnly() throws Exception {
        try (ServerSocketChannel l = ServerSocketChannel.open(); Socket client = new Socket()) {
            l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client.connect(l.getLocalAddress(), 5_000);
            client.setSoTimeout(5_000);
            SocketChannel server = l.accept();
            client.getOutputStream().write(BYTES);
            ClosedPeerServer.awaitUnreadData(server.socket());
            server.close(); // SocketChannel: close(2) only -> Linux sends RST, no FIN
            assertThatThrownBy(() -> client.getInputStream().read())
                    .as("no FIN came first, so the very first read fails")
                    .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
    }
}
