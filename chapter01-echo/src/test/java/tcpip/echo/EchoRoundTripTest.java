package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.nio.NioEchoClient;
import tcpip.echo.nio.NioEchoServer;

/** Every byte comes back, in order, for messages from 1 byte to 1 MiB, with both the java.net and NIO pairs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EchoRoundTripTest {

    static final int MIB = 1 << 20;
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    static Stream<Arguments> modesAndSizes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (EchoServer.Mode mode : EchoServer.Mode.values()) {
            for (int size : new int[] {1, 1000, 65_536, 65_537, MIB}) {
                b.add(Arguments.of(mode, size));
            }
        }
        return b.build();
    }

    static byte[] randomBytes(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }

    @ParameterizedTest(name = "java.net, {0} mode, {1} bytes")
    @MethodSource("modesAndSizes")
    void javaNetPairEchoesEveryByte(EchoServer.Mode mode, int size) throws Exception {
        byte[] message = randomBytes(size);
        try (RunningServer server = RunningServer.start(mode);
                Socket client = EchoClient.connect(server.address(), TIMEOUT)) {
            assertThat(EchoClient.roundTrip(client, message)).as("echo of %d bytes", size).isEqualTo(message);
            // the same connection carries a second message too
            assertThat(EchoClient.roundTrip(client, message)).as("second echo of %d bytes", size).isEqualTo(message);
        }
    }

    @ParameterizedTest(name = "NIO, {0} bytes")
    @ValueSource(ints = {1, 1000, 8192, 8193, 65_536, 65_537, MIB})
    void nioPairEchoesEveryByte(int size) throws Exception {
        byte[] message = randomBytes(size);
        try (NioEchoServer server = NioEchoServer.bind(InetAddress.getLoopbackAddress(), 0, 100, TIMEOUT, null)) {
            Thread serving = Thread.ofPlatform().start(() -> serveQuietly(server));
            try (SocketChannel client = NioEchoClient.connect(server.address())) {
                for (int round = 0; round < 2; round++) {
                    ByteBuffer echo = NioEchoClient.roundTrip(client, ByteBuffer.wrap(message), TIMEOUT);
                    byte[] got = new byte[echo.remaining()];
                    echo.get(got);
                    assertThat(got).as("NIO echo of %d bytes, round %d", size, round).isEqualTo(message);
                }
            } finally {
                server.close();
                serving.join();
            }
        }
    }

    @ParameterizedTest(name = "java.net client, NIO server, {0} bytes")
    @ValueSource(ints = {1, MIB})
    void theTwoPairsTalkToEachOther(int size) throws Exception {
        byte[] message = randomBytes(size);
        try (NioEchoServer server = NioEchoServer.bind(InetAddress.getLoopbackAddress(), 0, 100, TIMEOUT, null)) {
            Thread serving = Thread.ofPlatform().start(() -> serveQuietly(server));
            try (Socket client = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(client, message)).isEqualTo(message);
            } finally {
                server.close();
                serving.join();
            }
        }
        try (RunningServer server = RunningServer.start(EchoServer.Mode.VIRTUAL);
                SocketChannel client = NioEchoClient.connect(server.address())) {
            ByteBuffer echo = NioEchoClient.roundTrip(client, ByteBuffer.wrap(message), TIMEOUT);
            assertThat(echo).isEqualTo(ByteBuffer.wrap(message));
        }
    }

    @ParameterizedTest(name = "{0} over ::1")
    @EnumSource(names = {"THREAD_PER_CLIENT", "VIRTUAL"})
    void ipv6LoopbackWorksToo(EchoServer.Mode mode) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        org.junit.jupiter.api.Assumptions.assumeTrue(canBind(v6), "this machine has no IPv6 loopback");
        byte[] message = randomBytes(100);
        try (RunningServer server = RunningServer.start(v6, mode, 10, TIMEOUT);
                Socket client = EchoClient.connect(new InetSocketAddress(v6, server.port()), TIMEOUT)) {
            assertThat(client.getLocalAddress()).isEqualTo(v6);
            assertThat(EchoClient.roundTrip(client, message)).isEqualTo(message);
        }
    }

    @Test
    void nioServerOverIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        org.junit.jupiter.api.Assumptions.assumeTrue(canBind(v6), "this machine has no IPv6 loopback");
        try (NioEchoServer server = NioEchoServer.bind(v6, 0, 10, TIMEOUT, null)) {
            Thread serving = Thread.ofPlatform().start(() -> serveQuietly(server));
            try (SocketChannel client = NioEchoClient.connect(server.address())) {
                ByteBuffer echo = NioEchoClient.roundTrip(client, ByteBuffer.wrap(new byte[] {1, 2, 3}), TIMEOUT);
                assertThat(echo).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            } finally {
                server.close();
                serving.join();
            }
        }
    }

    @ParameterizedTest(name = "Selector server, {0} bytes")
    @ValueSource(ints = {1, 8192, 8193, 65_537, MIB})
    void selectorServerEchoesEveryByte(int size) throws Exception {
        byte[] message = randomBytes(size);
        try (AnyServer server = AnyServer.start(AnyServer.Kind.SELECTOR, EchoLimits.defaults());
                Socket client = EchoClient.connect(server.address(), TIMEOUT);
                SocketChannel nio = NioEchoClient.connect(server.address())) {
            assertThat(EchoClient.roundTrip(client, message)).as("java.net client").isEqualTo(message);
            assertThat(NioEchoClient.roundTrip(nio, ByteBuffer.wrap(message), TIMEOUT)).as("NIO client")
                    .isEqualTo(ByteBuffer.wrap(message));
        }
    }

    static boolean canBind(InetAddress address) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, address)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static void serveQuietly(NioEchoServer server) {
        server.serve();
    }
}
