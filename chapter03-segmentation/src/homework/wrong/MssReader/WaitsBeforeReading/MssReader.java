package tcpip.segmentation.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WRONG (test fixture: waits for ss to end before reading its output: ss blocks once the pipe's 64 KiB are full, so with many sockets neither ever ends).
 * Exercise (reference solution): read the MSS the kernel really uses on a live connection
 * (데이터 송수신: data larger than the MSS is cut into segments), from the output of {@code ss -tin}.
 */
public final class MssReader {

    private static final Pattern MSS = Pattern.compile("(?<![a-z])mss:(\\d+)"); // not advmss: or rcvmss:

    private MssReader() {
    }

    /** Runs {@code ss -tinH} and returns the mss of {@code socket}'s end of the connection. */
    public static int mss(Socket socket) throws IOException {
        Process ss = new ProcessBuilder("ss", "-tinH").redirectErrorStream(true).start();
        try {
            if (ss.waitFor() != 0) { // first let ss finish, then read what it printed
                throw new IOException("ss failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return parse(out, socket.getLocalPort(), socket.getPort());
    }

    /**
     * In {@code ss -tin} output (a socket line "STATE RECV-Q SEND-Q LOCAL:PORT PEER:PORT", then an
     * indented detail line), finds the socket whose LOCAL port is {@code localPort} and peer port is
     * {@code peerPort}, and returns the number after "mss:" in its detail line.
     */
    public static int parse(String ssOutput, int localPort, int peerPort) throws IOException {
        String[] lines = ssOutput.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (lines[i].startsWith(" ") || lines[i].startsWith("\t") || f.length < 5) {
                continue; // a detail line, or not a socket line
            }
            if (port(f[3]) == localPort && port(f[4]) == peerPort) {
                Matcher m = MSS.matcher(lines[i + 1]);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        throw new IOException("no connection " + localPort + " -> " + peerPort + " with an mss in the ss output");
    }

    private static int port(String endpoint) {
        String p = endpoint.substring(endpoint.lastIndexOf(':') + 1);
        return p.matches("\\d+") ? Integer.parseInt(p) : -1;
    }
}
