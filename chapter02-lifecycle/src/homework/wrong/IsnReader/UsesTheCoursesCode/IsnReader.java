package tcpip.lifecycle.homework;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tcpip.kernel.Segment;
import tcpip.kernel.TcpdumpLine;

/**
 * WRONG (test fixture: parses the lines with the course's own TcpdumpLine, the answer key). Find each side's initial sequence number (ISN) in a capture of the Three way
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
        List<Segment> segments = lines.stream().flatMap(l -> TcpdumpLine.parse(l).stream()).toList();
        Segment syn = segments.stream().filter(x -> x.srcPort() == clientPort && x.flags().equals("S")).findFirst()
                .orElseThrow(() -> new IOException("no SYN"));
        Segment synAck = segments.stream().filter(x -> x.dstPort() == clientPort && x.flags().equals("S.")).findFirst()
                .orElseThrow(() -> new IOException("no SYN+ACK"));
        Segment ack = segments.stream().filter(x -> x.srcPort() == clientPort && x.flags().contains(".")).findFirst()
                .orElseThrow(() -> new IOException("no ACK"));
        if (synAck.ack() != plus(syn.seq(), 1) || ack.ack() != plus(synAck.seq(), 1)) {
            throw new IOException("the ACKs do not fit the ISNs");
        }
        return new Handshake(clientPort, syn.dstPort(), syn.seq(), synAck.seq());
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
