package tcpip.segmentation.homework;

import java.io.IOException;
import java.net.Socket;

/**
 * Exercise: read the MSS the kernel really uses on a live connection (데이터 송수신: data larger than
 * the MSS is cut into segments), from the output of {@code ss -tin}. Java has no getter for it.
 *
 * <p>Run {@code ss -tinH} yourself and look at its output: every socket has a line
 * "STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT" and an indented detail line with "mss:N" among
 * "advmss:", "rcvmss:" and many more. Both ends of a connection are listed, and they may differ.
 * Parse the text yourself (tcpip.kernel.SsInfo does it for the course; this exercise is to do it).
 *
 * <p>Grade it: {@code ./homework grade chapter03-segmentation MssReader}
 */
public final class MssReader {

    private MssReader() {
    }

    /** Runs {@code ss -tinH} and returns the mss of {@code socket}'s end of the connection. */
    public static int mss(Socket socket) throws IOException {
        throw new UnsupportedOperationException("TODO: run ss -tinH (ProcessBuilder), then parse(output, local port, peer port)");
    }

    /**
     * In {@code ss -tin} output (a socket line "STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT", then an
     * indented detail line), finds the socket whose LOCAL port is {@code localPort} and peer port is
     * {@code peerPort}, and returns the number after "mss:" in its detail line.
     */
    public static int parse(String ssOutput, int localPort, int peerPort) throws IOException {
        throw new UnsupportedOperationException("TODO: find the socket line with these ports; read mss: (not advmss:) from the next line");
    }
}
