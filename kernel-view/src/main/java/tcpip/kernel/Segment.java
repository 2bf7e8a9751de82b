package tcpip.kernel;

/**
 * One TCP segment as tcpdump printed it ({@code tcpdump -n -S -tt}): the packets the article
 * draws (SYN, SYN+ACK, ACK, data, FIN, RST) with their absolute sequence numbers.
 *
 * @param time    capture time in seconds since the epoch
 * @param src     source IP
 * @param srcPort source port
 * @param dst     destination IP
 * @param dstPort destination port
 * @param flags   tcpdump's flag string: S=SYN, F=FIN, R=RST, P=PSH, .=ACK (e.g. "S." is SYN+ACK)
 * @param seq     first sequence number, or -1 if the line has none (a pure ACK)
 * @param seqEnd  sequence number after the payload (seq + length), or -1
 * @param ack     acknowledgement number (next byte expected), or -1 without the ACK flag
 * @param window  advertised receive window (before window scaling), or -1
 * @param length  payload bytes
 * @param mss     the MSS option of a SYN, or -1
 * @param wscale  the window-scale option of a SYN (the window field is shifted left by it), or -1
 */
public record Segment(double time, String src, int srcPort, String dst, int dstPort, String flags,
        long seq, long seqEnd, long ack, long window, int length, int mss, int wscale) {

    public boolean syn() {
        return flags.contains("S");
    }

    public boolean fin() {
        return flags.contains("F");
    }

    public boolean rst() {
        return flags.contains("R");
    }

    public boolean hasAck() {
        return flags.contains(".");
    }

    /** The article's name for it: SYN, SYN+ACK, ACK, FIN+ACK, RST, data… */
    public String kind() {
        StringBuilder sb = new StringBuilder();
        if (syn()) {
            sb.append("SYN");
        }
        if (fin()) {
            sb.append(sb.isEmpty() ? "" : "+").append("FIN");
        }
        if (rst()) {
            sb.append(sb.isEmpty() ? "" : "+").append("RST");
        }
        if (length > 0) {
            sb.append(sb.isEmpty() ? "" : "+").append("DATA(").append(length).append(")");
        }
        if (hasAck()) {
            sb.append(sb.isEmpty() ? "" : "+").append("ACK");
        }
        return sb.toString();
    }

    /** e.g. {@code 45678 > 7007  SYN          seq=1843229918 win=65495 mss=65495}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format("%5d > %-5d %-14s", srcPort, dstPort, kind()));
        if (seq >= 0) {
            sb.append(" seq=").append(seq);
            if (seqEnd > seq) {
                sb.append(':').append(seqEnd);
            }
        }
        if (ack >= 0) {
            sb.append(" ack=").append(ack);
        }
        if (window >= 0) {
            sb.append(" win=").append(window);
        }
        if (mss >= 0) {
            sb.append(" mss=").append(mss);
        }
        if (wscale >= 0) {
            sb.append(" wscale=").append(wscale);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
