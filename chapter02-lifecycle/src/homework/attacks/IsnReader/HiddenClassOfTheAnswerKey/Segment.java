package tcpip.lifecycle.homework;

/** The attack's own copy of the course's Segment record (same components): the parser below builds these. */
public record Segment(double time, String src, int srcPort, String dst, int dstPort, String flags,
        long seq, long seqEnd, long ack, long window, int length, int mss, int wscale) {
}
