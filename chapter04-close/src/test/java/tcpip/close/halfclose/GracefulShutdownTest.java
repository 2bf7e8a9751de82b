package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.kernel.Background;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;

/** Graceful shutdown: stop accepting, let transfers in flight end with FIN, reset only what passes the deadline. */
@Timeout(30)
class GracefulShutdownTest {

    private static final long SIZE = 8L << 20;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path root;
    private HalfCloseFileServer server;
    private int port;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws IOException {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        TestFiles.write(root.resolve("big.bin"), SIZE);
        server = new HalfCloseFileServer(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), WAIT,
                new PrintStream(log, true, StandardCharsets.UTF_8));
        port = server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A client whose request is in flight: the server is blocked writing because this client has not read yet. */
    private Socket clientInFlight() throws Exception {
        Socket c = new Socket();
        c.setReceiveBufferSize(64 * 1024);
        c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        c.setSoTimeout(5_000);
        c.getOutputStream().write("big.bin\n".getBytes(StandardCharsets.UTF_8));
        int clientPort = c.getLocalPort();
        KernelAwait.awaitRow(port, r -> r.remotePort() == clientPort && r.txQueue() > 0, WAIT,
                "the server's send queue holding file data for the client");
        return c;
    }

    @Test
    void aTransferInFlightFinishesWithFinAndNewClientsAreRefused() throws Exception {
        try (Socket inFlight = clientInFlight()) {
            CompletableFuture<HalfCloseFileServer.ShutdownReport> report =
                    CompletableFuture.supplyAsync(() -> server.shutdown(Duration.ofSeconds(10)), Background.OWN_THREAD);
            KernelAwait.awaitTable(rows -> rows.stream().noneMatch(r -> r.localPort() == port
                    && r.state() == TcpState.LISTEN), WAIT, "the LISTEN row gone");
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
                    .as("shutdown stops accepting first").isInstanceOf(ConnectException.class);

            long got = inFlight.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertThat(got).as("the client in flight receives header, the whole file and trailer, then -1 (FIN), not a reset")
                    .isEqualTo(FileProtocol.okHeader(SIZE).length + SIZE + FileProtocol.trailer(new byte[32]).length);
            inFlight.getOutputStream().write("Thank you\n".getBytes(StandardCharsets.UTF_8));
            inFlight.close();
            HalfCloseFileServer.ShutdownReport r = report.get(15, TimeUnit.SECONDS);
            assertThat(r.finished()).isEqualTo(1);
            assertThat(r.aborted()).isZero();
        }
    }

    @Test
    void aTransferStillRunningAtTheDeadlineIsResetSoItCannotPassForAWholeFile() throws Exception {
        try (Socket stuck = clientInFlight()) {
            HalfCloseFileServer.ShutdownReport r = server.shutdown(Duration.ofMillis(200));
            assertThat(r.aborted()).isEqualTo(1);
            assertThatThrownBy(() -> stuck.getInputStream().transferTo(OutputStream.nullOutputStream()))
                    .as("what was sent is read first, then the RST: the client knows the file is cut off")
                    .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
    }
}
