package tcpip.lifecycle.options;

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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.SsInfo;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpState;
import tcpip.net.LoopbackPair;
import tcpip.testing.MainRunner;

/** What must be decided before the handshake, and what the kernel really does with a buffer request. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EarlyOptionsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SMALL_BACKLOG = 2;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int SMALL_RCVBUF = 4 * 1024;
    private static final int TINY_RCVBUF = 1024;
    private static final int NON_READERS = 50;

    /** Leaves a TIME_WAIT on a server port (the server closes first) and returns that port. */
    private static int portWithTimeWait() throws Exception {
        int port;
        int clientPort;
        try (LoopbackPair pair = LoopbackPair.open().readTimeout(WAIT)) {
            port = pair.serverPort();
            clientPort = pair.clientPort();
            pair.server().close(); // the server's FIN goes first
            assertThat(pair.client().getInputStream().read()).as("client sees the server's FIN").isEqualTo(-1);
        }
        KernelAwait.await(port, clientPort, TcpState.TIME_WAIT, WAIT); // both ports: not another test's socket
        return port;
    }

    private static void assumeSettings() {
        assumeTrue(BufferFacts.ofThisKernel().known(), "no /proc/sys/net on this machine");
    }

    @Test
    void reuseAddressDecidesAtBindWhetherATimeWaitBlocksTheRestart() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        int port = portWithTimeWait();
        InetSocketAddress address = new InetSocketAddress(LOOPBACK, port);
        assertThatThrownBy(() -> OptionsCore.listen(address, false, 0, SMALL_BACKLOG).close())
                .as("bind() without SO_REUSEADDR while a TIME_WAIT holds the port")
                .isInstanceOf(BindException.class).hasMessageContaining("Address already in use");
        try (ServerSocketChannel restart = ServerSocketChannel.open()) {
            restart.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            assertThatThrownBy(() -> restart.bind(address)).isInstanceOf(BindException.class);
            // Not too late yet: nothing is bound. The kernel looks at the flag when bind() runs.
            restart.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            restart.bind(address);
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
        assertOneLine(r);
        assertThat(r.stderr()).contains("Address already in use").contains("TIME_WAIT").contains("SO_REUSEADDR");
    }

    /**
     * A failed bind() is one line with the reason of its errno (red team: --bind 8.8.8.8 printed four lines and
     * blamed a TIME_WAIT for what is EADDRNOTAVAIL). A real failed bind here: a port another listener holds, with
     * SO_REUSEADDR set, is no TIME_WAIT either. EADDRNOTAVAIL needs an address that is not this machine's, which a
     * test of ours never names (loopback only): its sentence is checked from the kernel's words it is chosen by.
     */
    @Test
    void aFailedBindIsOneLineWithTheReasonOfItsErrno() throws Exception {
        InetSocketAddress here = new InetSocketAddress(LOOPBACK, 7102);
        assertThat(EarlyOptionsServer.whyBindFailed(here, true, "Cannot assign requested address"))
                .contains("Cannot assign requested address").contains("EADDRNOTAVAIL")
                .contains(here.getHostString() + " is not an address of this machine").doesNotContain("TIME_WAIT");
        try (ServerSocket other = new ServerSocket(0, SMALL_BACKLOG, LOOPBACK)) {
            MainRunner.Result taken = MainRunner.run(Duration.ofSeconds(15), EarlyOptionsServer.class,
                    "--port", String.valueOf(other.getLocalPort()));
            assertThat(taken.exitCode()).as("stderr: %s", taken.stderr()).isEqualTo(1);
            assertOneLine(taken);
            assertThat(taken.stderr()).contains("Address already in use").contains("another socket already listens")
                    .contains("no TIME_WAIT is in the way");
        }
    }

    /** Nothing on stdout, one line on stderr, no stack trace. */
    private static void assertOneLine(MainRunner.Result r) {
        assertThat(r.stdout()).as("stdout").isBlank();
        assertThat(r.stderr().strip().lines().toList()).as("stderr").hasSize(1);
        assertThat(r.stderr()).doesNotContain("\tat ");
    }

    @Test
    void acceptedSocketsInheritTheListenersReceiveBuffer() throws Exception {
        try (ServerSocket server = OptionsCore.listen(new InetSocketAddress(LOOPBACK, 0), true, SMALL_RCVBUF, SMALL_BACKLOG);
                Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket accepted = server.accept()) {
            assertThat(accepted.getReceiveBufferSize()).isEqualTo(server.getReceiveBufferSize());
        }
    }

    @Test
    void javaShowsHalfOfWhatTheKernelStoresAndTheKernelClampsTheRequest() throws Exception {
        assumeSettings();
        BufferFacts facts = BufferFacts.ofThisKernel();
        long minimum = BufferOptionsClient.kernelMinimum();
        try (Socket tiny = new Socket(); Socket huge = new Socket()) {
            tiny.setReceiveBufferSize(TINY_RCVBUF);
            // Not "what was asked": the kernel stores max(2 x 1024, its minimum), and Java shows half of that.
            assertThat(2L * tiny.getReceiveBufferSize()).isEqualTo(facts.storedReceiveBuffer(TINY_RCVBUF, minimum))
                    .isEqualTo(Math.max(2L * TINY_RCVBUF, minimum));
            long tooMuch = 16 * facts.rmemMax();
            huge.setReceiveBufferSize((int) Math.min(Integer.MAX_VALUE, tooMuch));
            assertThat((long) huge.getReceiveBufferSize()).as("clamped to net.core.rmem_max")
                    .isEqualTo(facts.rmemMax()).isLessThan(tooMuch);
        }
    }

    @Test
    void ssSeesTheStoredValueNotJavasHalf() throws Exception {
        assumeSettings();
        assumeTrue(SsInfo.installed(), SsInfo.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK);
                Socket client = OptionsCore.connectWithBufferFirst(new InetSocketAddress(LOOPBACK, server.getLocalPort()),
                        SMALL_RCVBUF);
                Socket accepted = server.accept()) {
            long rb = SsInfo.of(client.getLocalPort(), server.getLocalPort()).orElseThrow().number("skmem.rb");
            assertThat(rb).isEqualTo(2L * client.getReceiveBufferSize()).isEqualTo(2L * SMALL_RCVBUF);
        }
    }

    @Test
    void theDefaultWindowScaleComesFromTcpRmemMaxNotFromTheCurrentBuffer() throws Exception {
        assumeSettings();
        assumeTrue(WindowScale.available(), "ss (iproute2) is not installed: the window scale is not visible");
        assumeTrue(Sysctl.number("net.ipv4.tcp_window_scaling").orElse(0L) == 1, "window scaling is off");
        BufferFacts facts = BufferFacts.ofThisKernel();
        try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort()); Socket accepted = server.accept()) {
            WindowScale scale = WindowScale.of(client.getLocalPort(), server.getLocalPort()).orElseThrow();
            assertThat(scale.receive()).as("our SYN's wscale vs the one computed from tcp_rmem[2]")
                    .isEqualTo(facts.autotunedWindowScale());
            // The socket's current buffer (tcp_rmem[1], what Java's getter doubles to) predicts less:
            long current = 2L * client.getReceiveBufferSize();
            if (current < facts.tcpRmemMax()) {
                assertThat(BufferFacts.scaleFor(current)).as("a scale from the current buffer would be wrong")
                        .isLessThan(scale.receive());
            }
        }
    }

    @Test
    void scaleArithmeticIsTheSmallestShiftThatFitsTheSpace() {
        assertThat(BufferFacts.scaleFor(65_535)).isZero();
        assertThat(BufferFacts.scaleFor(131_072)).isEqualTo(2);
        assertThat(BufferFacts.scaleFor(33_554_432)).isEqualTo(10);
        assertThat(BufferFacts.scaleFor(1L << 40)).isEqualTo(BufferFacts.MAX_WSCALE);
        assertThat(BufferFacts.lockedWindowScale(8_388_608)).isEqualTo(7);
    }

    @Test
    void onlyABufferSetBeforeConnectShapesTheWindowScaleInTheSyn() throws Exception {
        assumeSettings();
        assumeTrue(WindowScale.available(), "ss (iproute2) is not installed: the window scale is not visible");
        assumeTrue(Sysctl.number("net.ipv4.tcp_window_scaling").orElse(0L) == 1, "window scaling is off");
        try (ServerSocket server = new ServerSocket(0, 2, LOOPBACK)) {
            InetSocketAddress address = new InetSocketAddress(LOOPBACK, server.getLocalPort());
            WindowScale early;
            try (Socket client = OptionsCore.connectWithBufferFirst(address, SMALL_RCVBUF); Socket a = server.accept()) {
                early = WindowScale.of(client.getLocalPort(), server.getLocalPort()).orElseThrow();
            }
            WindowScale late;
            try (Socket client = OptionsCore.connectWithBufferLater(address, SMALL_RCVBUF); Socket a = server.accept()) {
                late = WindowScale.of(client.getLocalPort(), server.getLocalPort()).orElseThrow();
            }
            assertThat(early.receive()).isEqualTo(BufferFacts.lockedWindowScale(2L * SMALL_RCVBUF)).isZero();
            assertThat(late.receive()).as("set after connect(): the SYN announced the autotuned scale")
                    .isEqualTo(BufferFacts.ofThisKernel().autotunedWindowScale()).isGreaterThan(early.receive());
        }
    }

    @Test
    void clientsThatNeverReadCannotHoldTheServer() throws Exception {
        try (Socket probe = new Socket()) {
            probe.setSendBufferSize(1);
            long smallestSendBuffer = 2L * probe.getSendBufferSize(); // the kernel's minimum, JDK-halved
            assertThat((long) EarlyOptionsServer.REPLY.length).as("the whole reply fits any send buffer, so write()"
                    + " returns without waiting for the client to read").isLessThan(smallestSendBuffer);
        }
        ServerSocket server = OptionsCore.listen(new InetSocketAddress(LOOPBACK, 0), true, 0, NON_READERS + 10);
        Thread serving = Thread.ofPlatform().start(() -> EarlyOptionsServer.serve(
                new tcpip.narration.Narrator(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())), server,
                new EarlyOptionsServer.Settings(0, EarlyOptionsServer.RcvbufOn.LISTENER, 0)));
        java.util.List<Socket> nonReaders = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < NON_READERS; i++) {
                nonReaders.add(new Socket(LOOPBACK, server.getLocalPort())); // connect, never read, never close
            }
            try (Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
                client.setSoTimeout((int) WAIT.toMillis());
                assertThat(client.getInputStream().readAllBytes()).isEqualTo(EarlyOptionsServer.REPLY);
            }
        } finally {
            nonReaders.forEach(tcpip.net.Closeables::closeQuietly);
            tcpip.net.Closeables.closeQuietly(server);
            serving.join(WAIT.toMillis());
        }
    }
}
