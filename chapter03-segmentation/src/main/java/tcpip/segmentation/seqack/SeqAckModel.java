package tcpip.segmentation.seqack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import tcpip.kernel.TextWidth;
import tcpip.segmentation.Msg;

/**
 * MODEL (a simulation, not the kernel) of how TCP carries a message: a random initial sequence
 * number, MSS-sized segments, ACK = next expected byte, a network that drops, duplicates and
 * reorders on request, retransmission after a timeout, and in-order reassembly. Deterministic
 * for a seed, so a run can be repeated. Time is counted in ticks; one tick is one hop.
 */
public final class SeqAckModel {

    /** Display columns of the diagram's client column (Hangul counts as two). */
    private static final int CLIENT_COLUMNS = 50;
    /** Segments at most this many ticks late when reordering. */
    private static final int MAX_EXTRA_DELAY = 3;
    /** Linux mode: SACKed segments after a hole that make it lost at once (net.ipv4.tcp_reordering's default). */
    static final int REORDERING = 3;
    /**
     * Linux mode: RACK's reordering window, minRTT/4, in ticks; this model's RTT is 2 ticks, and a window
     * shorter than one tick cannot be drawn, so one tick.
     */
    static final int REORDERING_WINDOW = 1;

    private SeqAckModel() {
    }

    /**
     * The knobs of one run.
     *
     * @param seed      seeds the ISN and every random choice of the network
     * @param mss       payload bytes per segment at most
     * @param loss      chance (0..1) that the network drops a data segment
     * @param duplicate chance that it delivers a data segment twice
     * @param reorder   chance that it delays a segment by 1..3 extra ticks (so later ones overtake it)
     * @param rto       ticks the sender waits for an ACK before sending a segment again
     * @param maxTicks  the run stops here even if unfinished (a bound, not expected to be reached)
     * @param drops     data transmissions (1 = the first data segment put on the wire, counting resends; the
     *                  FIN is not counted) the network loses for sure, like the lab's nftables rule
     * @param linux     false: the textbook (resend only on timeout, fixed timeout); true: Linux's recovery
     *                  with SACK (RFC 8985 RACK as Linux applies it: a hole is lost once {@link #REORDERING}
     *                  later segments are SACKed, or a reordering window after later data was SACKed), and
     *                  a timeout that doubles after each expiry as RFC 6298 says
     */
    public record Options(long seed, int mss, double loss, double duplicate, double reorder, int rto, int maxTicks,
            Set<Integer> drops, boolean linux) {

        /** The textbook model with random loss only. */
        public Options(long seed, int mss, double loss, double duplicate, double reorder, int rto, int maxTicks) {
            this(seed, mss, loss, duplicate, reorder, rto, maxTicks, Set.of(), false);
        }

        public Options {
            drops = Set.copyOf(drops);
            if (mss < 1 || rto < 2 || maxTicks < 1) {
                throw new IllegalArgumentException("mss >= 1, rto >= 2 and maxTicks >= 1 are required");
            }
            if (loss < 0 || loss >= 1 || duplicate < 0 || duplicate > 1 || reorder < 0 || reorder > 1) {
                throw new IllegalArgumentException("loss must be in [0,1), duplicate and reorder in [0,1]");
            }
        }

        /** A clean network: nothing lost, duplicated or reordered. */
        public static Options clean(long seed, int mss) {
            return new Options(seed, mss, 0, 0, 0, 4, 10_000);
        }

        /** The same run, but the network loses exactly these transmissions. */
        public Options dropping(Set<Integer> transmissions) {
            return new Options(seed, mss, loss, duplicate, reorder, rto, maxTicks, transmissions, linux);
        }

        /** The same run with Linux's recovery: SACK/RACK-based fast retransmission and a doubling timeout. */
        public Options likeLinux() {
            return new Options(seed, mss, loss, duplicate, reorder, rto, maxTicks, drops, true);
        }
    }

    /**
     * The outcome of a run.
     *
     * @param isn             the client's initial sequence number (its SYN's seq)
     * @param delivered       what the receiving program got, in order
     * @param complete        true if every byte and the FIN were acknowledged
     * @param transmissions   data/FIN segments put on the wire, first sends and retransmissions
     * @param retransmissions of which were retransmissions (after a timeout or a duplicate ACK)
     * @param fastRetransmissions of which were sent after duplicate ACKs, before any timeout
     * @param fastAfterDupAcks for each such resend, how many duplicate ACKs the sender had read by then
     * @param timeoutTicks    the tick of each timeout expiry, in order (their gaps show the back-off)
     * @param acks            every ACK number the receiver sent, in order
     * @param diagram         the sequence diagram, one line per event
     * @param recovery        the diagram's lines about loss and recovery: the model's caveat, every loss,
     *                        timeout and fast retransmission, and the final tally
     */
    public record Result(long isn, byte[] delivered, boolean complete, int transmissions, int retransmissions,
            int fastRetransmissions, List<Integer> fastAfterDupAcks, List<Integer> timeoutTicks, List<Long> acks, List<String> diagram,
            List<String> recovery) {
    }

    /** One segment as the sender cut it: bytes [offset, offset+length) of the message, maybe with FIN. */
    private record Piece(long seq, byte[] payload, boolean fin) {
        long end() {
            return seq + payload.length + (fin ? 1 : 0);
        }
    }

    /** A segment on its way to the receiver. */
    private record InFlight(int arrives, long order, Piece piece) {
    }

    /** Runs the model on {@code message}. */
    public static Result run(byte[] message, Options o) {
        Random random = new Random(o.seed());
        long isn = random.nextInt() & 0xffffffffL; // random ISN: an attacker cannot guess it
        List<String> diagram = new ArrayList<>();
        List<Long> acks = new ArrayList<>();
        List<String> recovery = new ArrayList<>();
        diagram.add(Msg.get("SeqAckModel.run", o.seed(), o.mss(), String.format("%.2f", o.loss()),
                String.format("%.2f", o.duplicate()), String.format("%.2f", o.reorder()), o.rto()));
        diagram.add(Msg.get(o.linux() ? "SeqAckModel.linux" : "SeqAckModel.textbook"));
        recovery.add(diagram.get(diagram.size() - 1));
        diagram.add(TextWidth.padLeft(Msg.get("SeqAckModel.head.tick"), 5) + "  " + TextWidth.padRight(Msg.get("SeqAckModel.head.client"),
                CLIENT_COLUMNS) + " " + Msg.get("SeqAckModel.head.server"));
        // Three way handshake, kept lossless in this model: the SYN takes one number.
        diagram.add(line(0, "SYN seq=" + wire(isn) + " ------------------------>", ""));
        diagram.add(line(1, "", Msg.get("SeqAckModel.synAck", wire(isn + 1))));

        List<Piece> pieces = new ArrayList<>();
        long seq = isn + 1;
        for (int off = 0; off < message.length; off += o.mss()) {
            byte[] payload = Arrays.copyOfRange(message, off, Math.min(message.length, off + o.mss()));
            pieces.add(new Piece(seq, payload, false));
            seq += payload.length;
        }
        pieces.add(new Piece(seq, new byte[0], true)); // FIN after the data: one more number
        long finalAck = seq + 1;

        ModelReceiver receiver = new ModelReceiver(isn);
        long[] sentAt = new long[pieces.size()];
        Arrays.fill(sentAt, -1);
        long acked = isn + 1; // highest cumulative ACK the sender has seen
        PriorityQueue<InFlight> toServer = new PriorityQueue<>((a, b) -> a.arrives() != b.arrives()
                ? Integer.compare(a.arrives(), b.arrives()) : Long.compare(a.order(), b.order()));
        // {tick, order, ack, SACKed segments}: ACKs of one tick arrive in the order they were sent
        PriorityQueue<long[]> toClient = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                : Long.compare(a[1], b[1]));
        long order = 0;
        int transmissions = 0;
        int retransmissions = 0;
        int fast = 0;
        int dataTransmissions = 0;
        List<Integer> timeoutTicks = new ArrayList<>();
        int rto = o.rto();
        long fastFor = -1; // the ACK number a fast retransmission was already sent for
        int dupAcks = 0;   // duplicate ACKs read for the current cumulative ACK
        int reorderTimer = -1; // Linux mode: the tick RACK's reordering window ends, -1 when not armed
        List<Integer> fastAfter = new ArrayList<>();
        int tick = 2;
        long timerStart = -1;
        boolean finCounted = false;
        for (; tick < o.maxTicks() && acked < finalAck; tick++) {
            // 1. ACKs arriving at the client (this model's ACK path is lossless, one tick).
            List<Integer> sendNow = new ArrayList<>();
            while (!toClient.isEmpty() && toClient.peek()[0] <= tick) {
                long[] a = toClient.poll();
                long ack = a[2];
                if (ack > acked) {
                    acked = ack;
                    timerStart = tick; // new data acknowledged: the timer restarts for the next one
                    rto = o.rto();     // and the back-off ends
                    dupAcks = 0;
                    reorderTimer = -1;
                    diagram.add(line(tick, Msg.get("SeqAckModel.ackArrives", wire(ack)), ""));
                } else if (o.linux() && a[3] > 0 && ack == acked && fastFor != ack) {
                    // SACK: this duplicate ACK says later segments arrived; enough of them make the hole lost
                    dupAcks++;
                    if (a[3] >= REORDERING && resend(pieces, sentAt, acked, sendNow)) {
                        fastFor = ack;
                        fast++;
                        fastAfter.add(dupAcks);
                        retransmissions++;
                        timerStart = tick;
                        reorderTimer = -1;
                        diagram.add(line(tick, Msg.get("SeqAckModel.fastRetransmit", wire(ack), dupAcks, a[3]), ""));
                        recovery.add(diagram.get(diagram.size() - 1));
                    } else if (reorderTimer < 0) {
                        reorderTimer = tick + REORDERING_WINDOW; // fewer: wait one reordering window first
                    }
                }
            }
            if (o.linux() && reorderTimer >= 0 && tick >= reorderTimer && fastFor != acked && acked < finalAck
                    && resend(pieces, sentAt, acked, sendNow)) {
                fastFor = acked;
                fast++;
                fastAfter.add(dupAcks);
                retransmissions++;
                timerStart = tick;
                reorderTimer = -1;
                diagram.add(line(tick, Msg.get("SeqAckModel.reorderWindow", wire(acked), REORDERING_WINDOW, dupAcks), ""));
                recovery.add(diagram.get(diagram.size() - 1));
            }
            if (acked >= finalAck) {
                break;
            }
            // 2. One retransmission timer, for the oldest unacknowledged segment (as in TCP):
            //    when it expires, that segment is sent again and the timer restarts.
            int oldest = firstUnacked(pieces, acked);
            if (oldest >= 0 && sentAt[oldest] >= 0 && tick - timerStart >= rto && !sendNow.contains(oldest)) {
                retransmissions++;
                timeoutTicks.add(tick);
                diagram.add(line(tick, o.linux() ? Msg.get("SeqAckModel.timeout.backOff", wire(acked), rto, 2 * rto)
                        : Msg.get("SeqAckModel.timeout", wire(acked), rto), ""));
                recovery.add(diagram.get(diagram.size() - 1));
                sendNow.add(oldest);
                timerStart = tick;
                if (o.linux()) {
                    rto *= 2; // RFC 6298 5.5: back off the timer
                }
            }
            //    Then everything never sent yet (this model's window is unlimited).
            for (int i = 0; i < pieces.size(); i++) {
                if (sentAt[i] < 0) {
                    sendNow.add(i);
                    if (timerStart < 0 || i == oldest) {
                        timerStart = tick;
                    }
                }
            }
            for (int i : sendNow) {
                Piece p = pieces.get(i);
                sentAt[i] = tick;
                transmissions++;
                String what = describe(p, isn) + " -->";
                dataTransmissions += p.payload().length > 0 ? 1 : 0;
                boolean planned = p.payload().length > 0 && o.drops().contains(dataTransmissions);
                if (random.nextDouble() < o.loss() | planned) {
                    diagram.add(line(tick, what, Msg.get("SeqAckModel.lost")));
                    recovery.add(diagram.get(diagram.size() - 1));
                    continue;
                }
                int delay = 1 + (random.nextDouble() < o.reorder() ? 1 + random.nextInt(MAX_EXTRA_DELAY) : 0);
                toServer.add(new InFlight(tick + delay, order++, p));
                String note = delay > 1 ? Msg.get("SeqAckModel.delayed", delay - 1) : "";
                if (random.nextDouble() < o.duplicate()) {
                    toServer.add(new InFlight(tick + delay + 1, order++, p));
                    note = delay > 1 ? Msg.get("SeqAckModel.delayedTwice", delay - 1) : Msg.get("SeqAckModel.twice");
                }
                diagram.add(line(tick, what, note));
            }
            // 3. Segments arriving at the server: reassemble, answer with ACK = next byte expected.
            while (!toServer.isEmpty() && toServer.peek().arrives() <= tick) {
                Piece p = toServer.poll().piece();
                long ack = receiver.onSegment(p.seq(), p.payload(), p.fin());
                acks.add(ack);
                long sacked = receiver.buffered(); // > 0: SACK blocks would name these kept later segments
                toClient.add(new long[] {tick + 1, order++, ack, sacked});
                String got = switch (receiver.lastOutcome()) {
                    case IN_ORDER -> Msg.get("SeqAckModel.got.inOrder", describe(p, isn), wire(ack));
                    case OUT_OF_ORDER -> Msg.get("SeqAckModel.got.gap", describe(p, isn), receiver.buffered());
                    case DUPLICATE -> Msg.get("SeqAckModel.got.duplicate", describe(p, isn));
                };
                diagram.add(line(tick, "", got));
                boolean finNow = receiver.finReceived() && !finCounted;
                finCounted |= finNow;
                diagram.add(line(tick, "", Msg.get(finNow ? "SeqAckModel.ack.fin" : "SeqAckModel.ack", wire(ack))));
            }
        }
        boolean complete = acked >= finalAck;
        diagram.add(complete
                ? Msg.get("SeqAckModel.done", tick, message.length, pieces.size() - 1, transmissions, retransmissions)
                : Msg.get("SeqAckModel.stopped", tick));
        if (complete) {
            recovery.add(diagram.get(diagram.size() - 1));
        }
        return new Result(isn, receiver.delivered(), complete, transmissions, retransmissions, fast,
                List.copyOf(fastAfter), List.copyOf(timeoutTicks), acks, diagram, List.copyOf(recovery));
    }

    /** Queues the first unacknowledged piece for sending again, if it was sent; true if it was. */
    private static boolean resend(List<Piece> pieces, long[] sentAt, long acked, List<Integer> sendNow) {
        int lost = firstUnacked(pieces, acked);
        if (lost < 0 || sentAt[lost] < 0) {
            return false;
        }
        sendNow.add(lost);
        return true;
    }

    private static int firstUnacked(List<Piece> pieces, long acked) {
        for (int i = 0; i < pieces.size(); i++) {
            if (pieces.get(i).end() > acked) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(Piece p, long isn) {
        if (p.payload().length == 0) {
            return "FIN seq=" + wire(p.seq());
        }
        long first = p.seq() - isn - 1;
        return "DATA seq=" + wire(p.seq()) + " len=" + p.payload().length + (p.fin() ? " +FIN" : "")
                + " [bytes " + first + ".." + (first + p.payload().length - 1) + "]";
    }

    /** A sequence number as the 32-bit header field shows it. */
    static long wire(long seq) {
        return seq & 0xffffffffL;
    }

    private static String line(int tick, String client, String server) {
        return (String.format("%5d  ", tick) + TextWidth.padRight(client, CLIENT_COLUMNS) + " " + server).stripTrailing();
    }
}
