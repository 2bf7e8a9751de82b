package tcpip.segmentation.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.net.AcceptLoop;

/**
 * The framing servers on loopback: bad input (negative or huge length, truncated frame, a reset
 * in the middle of a frame, a line without end) costs only that client its connection; another
 * client connected all along is still served.
 */
@Timeout(20)
class FramingServerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final LineQueue log = new LineQueue();
    private ServerSocket listener;
    private Socket steady;
    private DataInputStream steadyIn;

    @BeforeEach
    void start() throws Exception {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        AcceptLoop loop = LengthPrefixServer.loop(listener, new AcceptLoop.Limits(16, WAIT),
                LengthPrefixDecoder.DEFAULT_MAX_FRAME, log);
        Thread.ofPlatform().daemon().start(loop::run);
        steady = connect(listener.getLocalPort());
        steadyIn = new DataInputStream(steady.getInputStream());
        assertSteadyClientServed(1);
    }

    @AfterEach
    void stop() throws Exception {
        steady.close();
        listener.close();
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    private void assertSteadyClientServed(int frameNumber) throws Exception {
        steady.getOutputStream().write(LengthPrefixEncoder.encode(new byte[3]));
        assertThat(LengthPrefixCore.readAnswer(steadyIn)).as("the well-behaved client is still served")
                .isEqualTo("frame " + frameNumber + ": 3 bytes");
    }

    private String answerTo(byte[] bytes) throws Exception {
        try (Socket bad = connect(listener.getLocalPort())) {
            bad.getOutputStream().write(bytes);
            return LengthPrefixCore.readAnswer(new DataInputStream(bad.getInputStream()));
        }
    }

    @Test
    void negativeLengthGetsAnErrorAndOthersAreStillServed() throws Exception {
        assertThat(answerTo(ByteBuffer.allocate(4).putInt(-5).array())).startsWith("ERROR").contains("negative");
        assertSteadyClientServed(2);
    }

    @Test
    void hugeLengthGetsAnErrorAndOthersAreStillServed() throws Exception {
        assertThat(answerTo(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array())).startsWith("ERROR")
                .contains("larger than the maximum 1048576");
        assertSteadyClientServed(2);
    }

    @Test
    void lengthSplitAcrossWritesIsPutTogether() throws Exception {
        byte[] frame = LengthPrefixEncoder.encode("split".getBytes(StandardCharsets.UTF_8));
        try (Socket c = connect(listener.getLocalPort())) {
            c.setTcpNoDelay(true); // each piece its own segment
            OutputStream out = c.getOutputStream();
            DataInputStream in = new DataInputStream(c.getInputStream());
            for (byte b : frame) {
                out.write(b);
            }
            assertThat(LengthPrefixCore.readAnswer(in)).isEqualTo("frame 1: 5 bytes");
        }
    }

    @Test
    void truncatedFrameIsReportedAndOthersAreStillServed() throws Exception {
        try (Socket c = connect(listener.getLocalPort())) {
            c.getOutputStream().write(LengthPrefixEncoder.encode(new byte[100]), 0, 50);
            c.shutdownOutput(); // FIN in the middle of the frame
            assertThat(LengthPrefixCore.readAnswer(new DataInputStream(c.getInputStream())))
                    .contains("truncated frame: the peer closed after 46 of 100 payload bytes");
        }
        assertSteadyClientServed(2);
    }

    @Test
    void peerResetMidFrameCostsOnlyThatClient() throws Exception {
        Socket c = connect(listener.getLocalPort());
        c.getOutputStream().write(LengthPrefixEncoder.encode(new byte[100]), 0, 10);
        assertSteadyClientServed(2); // the half frame has been sent before this round trip ends
        c.setSoLinger(true, 0);
        c.close(); // SO_LINGER 0: close() sends RST instead of FIN
        assertThat(log.await("client 127.0.0.1:" + c.getLocalPort(), WAIT))
                .containsAnyOf("reset", "truncated");
        assertSteadyClientServed(3);
    }

    @Test
    void lineServerRefusesAnEndlessLineAndServesTheOthers() throws Exception {
        ServerSocket lineListener = new ServerSocket();
        lineListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        try (lineListener; Socket good = connect(lineListener.getLocalPort());
                Socket bad = connect(lineListener.getLocalPort())) {
            Thread.ofPlatform().daemon().start(LineServer.loop(lineListener, new AcceptLoop.Limits(16, WAIT), 16, log)::run);
            BufferedReader goodIn = new BufferedReader(new InputStreamReader(good.getInputStream(), StandardCharsets.UTF_8));
            good.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
            assertThat(goodIn.readLine()).isEqualTo("line 1: hi");
            bad.getOutputStream().write(new byte[100]); // no newline ever
            BufferedReader badIn = new BufferedReader(new InputStreamReader(bad.getInputStream(), StandardCharsets.UTF_8));
            assertThat(badIn.readLine()).startsWith("ERROR").contains("without a newline");
            assertThat(badIn.readLine()).as("then the server closes that client").isNull();
            good.getOutputStream().write("again\n".getBytes(StandardCharsets.UTF_8));
            assertThat(goodIn.readLine()).isEqualTo("line 2: again");
        }
    }
}
