package tcpip.segmentation.loss;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.Segment;

/**
 * When, and by which rule, the sender called a hole lost, from the run's own data. Linux (RFC 8985 as
 * tcp_rack_mark_lost applies it, with SACK) marks a hole lost at a duplicate ACK once either its SACK
 * blocks cover at least tcp_reordering segments after the hole (the count rule: RACK's reordering window
 * is then 0), or a SACKed segment's send timestamp is at least one reordering window, min(minRTT/4, SRTT),
 * newer than the hole's (the time rule). The capture gives each duplicate ACK's SACK blocks, so it fixes
 * the count rule's duplicate ACK; it cannot give the kernel's send timestamps (segments queued in one go
 * share one), so the time rule can only make the loss earlier. The kernel's trace, where one could be
 * taken, says which duplicate ACK it was.
 *
 * @param dupsOnWire     duplicate ACKs (ACK = the hole's SEQ) the capture holds before the resend
 * @param sacked         per duplicate ACK: segments its SACK blocks cover after the hole
 * @param reordering     tcp_reordering as the connection had it (ss reordering, else the sysctl)
 * @param reoWndMicros   RACK's reordering window, min(minRTT/4, SRTT), in µs, from ss after the run
 * @param countRule      the duplicate ACK (1-based) at which the count rule calls the hole lost; -1 if at none
 * @param traced         what the kernel's trace showed, where it could be taken
 */
record RecoveryDecision(int dupsOnWire, List<Integer> sacked, int reordering, double reoWndMicros, int countRule,
        Optional<Traced> traced) {

    /** What decided, by the trace: the count rule, the time rule (earlier), or neither (does NOT match). */
    enum Verdict { COUNT_RULE, TIME_RULE, NOT_MATCHED, UNTRACED }

    Verdict verdict() {
        if (traced.isEmpty()) {
            return Verdict.UNTRACED;
        }
        int at = traced.get().recoveryAt();
        if (at < 1 || countRule > 0 && at > countRule) {
            return Verdict.NOT_MATCHED;
        }
        return at == countRule ? Verdict.COUNT_RULE : Verdict.TIME_RULE;
    }

    /**
     * The trace's account.
     *
     * @param states      the congestion states in order, each with the duplicate ACK it came at: "Open → Disorder (#1) …"
     * @param recoveryAt  the duplicate ACK (1-based) after which the sender entered Recovery; -1 if it did not
     * @param resendAfter µs from entering Recovery to the first resend, -1 if none
     * @param readers     the threads that read the duplicate ACKs up to Recovery, "(softirq)" marked
     * @param backlog     true if the writer thread read them outside softirq: from the socket's backlog
     */
    record Traced(String states, int recoveryAt, double resendAfter, String readers, boolean backlog) {
    }

    private static final int RECOVERY = 3;

    static RecoveryDecision of(List<Packet> ps, Lab.Conn c, long hole, long mss, int reordering, double minRttMicros,
            double srttMicros, Optional<List<CongestionTrace.Event>> trace) {
        List<Segment> sent = LabSupport.dataFrom(ps, c.clientPort());
        double holeSent = sent.stream().filter(s -> s.seq() == hole).mapToDouble(Segment::time).min().orElse(0);
        double resent = sent.stream().filter(s -> s.seq() == hole && s.time() > holeSent).mapToDouble(Segment::time)
                .min().orElse(Double.MAX_VALUE);
        // ss's minrtt and rtt are from after the run: the window the kernel used then was at least this

        double reoWnd = Math.min(minRttMicros / 4, srttMicros);
        List<Integer> sacked = new ArrayList<>();
        int countRule = -1;
        for (Packet p : ps) {
            Segment s = p.segment();
            if (s.srcPort() != c.serverPort() || s.ack() != hole || s.time() <= holeSent || s.time() >= resent) {
                continue;
            }
            long bytes = p.sack().stream().mapToLong(b -> b.end() - b.start()).sum();
            sacked.add((int) ((bytes + mss - 1) / mss));
            if (countRule < 0 && sacked.get(sacked.size() - 1) >= reordering) {
                countRule = sacked.size();
            }
        }
        return new RecoveryDecision(sacked.size(), List.copyOf(sacked), reordering, reoWnd, countRule,
                trace.map(t -> traced(t, hole)));
    }

    /** Reads the trace: duplicate ACKs are the sender's tcp_probe events while snd_una is the hole's SEQ. */
    static Traced traced(List<CongestionTrace.Event> events, long hole) {
        StringBuilder states = new StringBuilder(CongestionTrace.STATES.get(0));
        Set<String> readers = new LinkedHashSet<>();
        boolean backlog = true;
        int dups = 0;
        int recoveryAt = -1;
        double recoveryTime = -1;
        double resendAfter = -1;
        for (CongestionTrace.Event e : events) {
            switch (e.name()) {
                case "tcp_probe" -> {
                    if (e.number("snd_una") == (hole & 0xffffffffL) && e.number("data_len") == 0 && recoveryAt < 0) {
                        dups++;
                        readers.add(e.task() + (e.softirq() ? " (softirq)" : ""));
                        backlog &= e.task().equals(LossCore.WRITER) && !e.softirq();
                    }
                }
                case "tcp_cong_state_set" -> {
                    int state = (int) e.number("cong_state");
                    String name = state >= 0 && state < CongestionTrace.STATES.size()
                            ? CongestionTrace.STATES.get(state) : String.valueOf(state);
                    states.append(" → ").append(name).append(dups > 0 && recoveryAt < 0 ? " (#" + dups + ")" : "");
                    if (state == RECOVERY && recoveryAt < 0) {
                        recoveryAt = dups;
                        recoveryTime = e.time();
                    }
                }
                case "tcp_retransmit_skb" -> {
                    if (recoveryTime >= 0 && resendAfter < 0) {
                        resendAfter = (e.time() - recoveryTime) * 1e6;
                    }
                }
                default -> {
                    // another event: not asked for
                }
            }
        }
        return new Traced(states.toString(), recoveryAt, resendAfter, String.join(", ", readers),
                backlog && dups > 0);
    }
}
