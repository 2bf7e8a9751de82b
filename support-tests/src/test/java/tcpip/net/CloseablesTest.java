package tcpip.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** Closing quietly: with FIN the closing side waits in TIME_WAIT; with RST (abortQuietly) it leaves no row. */
@Timeout(20)
class CloseablesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void abortQuietlySendsRstAndLeavesNoTimeWaitRowWhereAFinCloseLeavesOne() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            // FIN first: the client closes first, the server answers with its own FIN, the client waits in TIME_WAIT
            Socket fin = connect(listener);
            try (Socket served = listener.accept()) {
                Closeables.closeQuietly(fin);
                assertThat(served.getInputStream().read()).as("the server reads the FIN as end of stream").isEqualTo(-1);
            }
            KernelAwait.await(fin.getLocalPort(), listener.getLocalPort(), TcpState.TIME_WAIT, WAIT);
            // RST: the server's read fails, and the client's end is gone at once
            Socket rst = connect(listener);
            try (Socket served = listener.accept()) {
                served.setSoTimeout((int) WAIT.toMillis());
                InputStream in = served.getInputStream();
                Closeables.abortQuietly(rst);
                assertThatThrownBy(in::read).as("the server's read after the RST").isInstanceOf(SocketException.class)
                        .hasMessageContaining("reset");
            }
            KernelAwait.awaitGone(rst.getLocalPort(), listener.getLocalPort(), WAIT);
            assertThat(SocketTable.connectionRows(rst.getLocalPort(), listener.getLocalPort()))
                    .as("no TIME_WAIT row of the aborted client").isEmpty();
        }
    }

    @Test
    void abortQuietlyIgnoresNullAndSocketsThatNeverConnected() {
        assertThatCode(() -> Closeables.abortQuietly(null)).doesNotThrowAnyException();
        Socket never = new Socket();
        assertThatCode(() -> Closeables.abortQuietly(never)).doesNotThrowAnyException();
        assertThat(never.isClosed()).isTrue();
        assertThatCode(() -> Closeables.abortQuietly(never)).as("twice").doesNotThrowAnyException();
    }

    private static Socket connect(ServerSocket listener) throws Exception {
        Socket s = new Socket();
        s.connect(listener.getLocalSocketAddress(), (int) WAIT.toMillis());
        return s;
    }
}
