package tcpip.lifecycle.homework;

import java.io.IOException;
import java.util.List;

/**
 * Exercise: find each side's initial sequence number (ISN) in a capture of the Three way handshake, and turn
 * absolute SEQ/ACK numbers into relative ones (Three way handshake: the first sequence number is not 1 but a
 * value the kernel derives from a random secret, a different one for every connection).
 *
 * <p>The input is what {@code sudo tcpdump -i lo -n -S 'tcp port 7007'} prints (-S: absolute numbers), e.g.
 * <pre>
 * 1795974791.555557 IP 127.0.0.1.52826 &gt; 127.0.0.1.45999: Flags [S], seq 2323706764, win 65495, ...
 * 1795974791.555569 IP 127.0.0.1.45999 &gt; 127.0.0.1.52826: Flags [S.], seq 150342364, ack 2323706765, ...
 * 1795974791.555582 IP 127.0.0.1.52826 &gt; 127.0.0.1.45999: Flags [.], ack 150342365, win 64, ...
 * </pre>
 * Flags: S = SYN, "." = ACK. A pure ACK has no seq field. Sequence numbers are unsigned 32-bit numbers and wrap
 * around: after 4294967295 comes 0. Parse the lines yourself (the course's own tcpdump parser is the answer key:
 * an answer that calls it scores 0).
 *
 * <p>Grade it: {@code ./homework grade chapter02-lifecycle IsnReader}
 */
public final class IsnReader {

    /** Sequence numbers are 32 bits: every sum and difference of them is taken modulo 2^32. */
    public static final long MODULO = 1L << 32;

    /** Both ends' ISNs of one connection: the client's is its SYN's seq, the server's its SYN+ACK's seq. */
    public record Handshake(int clientPort, int serverPort, long clientIsn, long serverIsn) {
    }

    private IsnReader() {
    }

    /**
     * In {@code tcpdump -n -S} lines, finds the handshake of the connection whose client uses {@code clientPort}:
     * the SYN (a retransmitted SYN repeats the same seq), the SYN+ACK, which must acknowledge clientIsn + 1, and the
     * client's next segment, which must acknowledge serverIsn + 1; otherwise throws IOException. Lines of other
     * connections are skipped.
     */
    public static Handshake handshake(List<String> lines, int clientPort) throws IOException {
        // TODO 1: the SYN from clientPort (flags [S]): its seq is the client's ISN, its destination the server port.
        // TODO 2: the SYN+ACK back (flags [S.]): ack must be clientIsn + 1 (mod 2^32); its seq is the server's ISN.
        // TODO 3: the client's next segment (flags [.] or [P.]) must acknowledge serverIsn + 1 (mod 2^32).
        throw new UnsupportedOperationException("TODO: find the SYN and the SYN+ACK of this client port; check both ACKs");
    }

    /** tcpdump's relative number: how far {@code absolute} lies past {@code isn}, modulo 2^32 (the SYN is 0). */
    public static long relative(long absolute, long isn) {
        throw new UnsupportedOperationException("TODO: absolute - isn, modulo 2^32 (never negative)");
    }

    /** Which byte of the data stream a segment with this seq starts at: the first data byte is 0, since the SYN used isn. */
    public static long streamOffset(long seq, long isn) {
        throw new UnsupportedOperationException("TODO: how many data bytes came before seq? The SYN took one number");
    }
}
