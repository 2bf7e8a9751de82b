package tcpip.lifecycle.homework;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * WRONG (test fixture: returns null when the lines hold no complete handshake of that client port, instead of throwing IOException).
 * Exercise (reference solution): find each side's initial sequence number (ISN) in a capture of the Three way
 * handshake, and turn absolute SEQ/ACK numbers into relative ones, modulo 2^32.
 */
public final class IsnReader {

    /** Sequence numbers are 32 bits: every sum and difference of them is taken modulo 2^32. */
    public static final long MODULO = 1L << 32;
    /** "IP 127.0.0.1.52826 > 127.0.0.1.45999: Flags [S.]" (IP6 for ::1): source port, destination port, flags. */
    private static final Pattern SEGMENT = Pattern.compile("IP6? \\S+\\.(\\d+) > \\S+\\.(\\d+): Flags \\[([^]]*)]");
    private static final Pattern SEQ = Pattern.compile(", seq (\\d+)");
    private static final Pattern ACK = Pattern.compile(", ack (\\d+)");

    /** Both ends' ISNs of one connection: the client's is its SYN's seq, the server's its SYN+ACK's seq. */
    public record Handshake(int clientPort, int serverPort, long clientIsn, long serverIsn) {
    }

    private IsnReader() {
    }

    /**
     * In {@code tcpdump -n -S} lines, finds the handshake of the connection whose client uses {@code clientPort}:
     * the SYN (a retransmitted SYN repeats the same seq), the SYN+ACK, which must acknowledge clientIsn + 1, and the
     * client's next segment, which must acknowledge serverIsn + 1. Lines of other connections are skipped.
     */
    public static Handshake handshake(List<String> lines, int clientPort) throws IOException {
        long clientIsn = -1;
        long serverIsn = -1;
        int serverPort = -1;
        for (String line : lines) {
            Matcher m = SEGMENT.matcher(line);
            if (!m.find()) {
                continue; // not a TCP segment line
            }
            int from = Integer.parseInt(m.group(1));
            int to = Integer.parseInt(m.group(2));
            boolean syn = m.group(3).contains("S");
            boolean ack = m.group(3).contains(".");
            if (from == clientPort && syn && !ack) {
                clientIsn = number(SEQ, line); // the SYN carries the client's ISN in its seq field
                serverPort = to;
            } else if (clientIsn >= 0 && from == serverPort && to == clientPort && syn && ack) {
                long acked = number(ACK, line);
                if (acked != plus(clientIsn, 1)) { // the SYN used up one sequence number
                    throw new IOException("the SYN+ACK acknowledges " + acked + ", not the client's ISN + 1 = "
                            + plus(clientIsn, 1));
                }
                serverIsn = number(SEQ, line);
            } else if (serverIsn >= 0 && from == clientPort && to == serverPort && ack && !syn) {
                long acked = number(ACK, line);
                if (acked != plus(serverIsn, 1)) {
                    throw new IOException("the client's ACK acknowledges " + acked + ", not the server's ISN + 1 = "
                            + plus(serverIsn, 1));
                }
                return new Handshake(clientPort, serverPort, clientIsn, serverIsn);
            }
        }
        return null; // no handshake of this port in the lines
    }

    /** tcpdump's relative number: how far {@code absolute} lies past {@code isn}, modulo 2^32 (the SYN is 0). */
    public static long relative(long absolute, long isn) {
        return Math.floorMod(absolute - isn, MODULO);
    }

    /** Which byte of the data stream a segment with this seq starts at: the first data byte is 0, since the SYN used isn. */
    public static long streamOffset(long seq, long isn) {
        return Math.floorMod(seq - isn - 1, MODULO);
    }

    private static long plus(long sequence, long n) {
        return Math.floorMod(sequence + n, MODULO);
    }

    private static long number(Pattern field, String line) throws IOException {
        Matcher m = field.matcher(line);
        if (!m.find()) {
            throw new IOException("no '" + field.pattern().substring(2).replace("(\\d+)", "N") + "' field in: " + line);
        }
        return Long.parseLong(m.group(1));
    }
}
