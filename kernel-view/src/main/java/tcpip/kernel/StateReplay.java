package tcpip.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Replays one connection's captured segments through the TCP state machine (RFC 9293, with
 * the kernel's state names) to tell which state each side entered after each segment. It
 * knows only what the packets show: a side's {@code close()} is seen when its FIN leaves.
 */
final class StateReplay {

    private static final long MOD = 1L << 32;

    private final TcpState[] state = new TcpState[2];
    private final long[] finSeq = {-1, -1}; // sequence number each side's FIN occupies
    private final long[] isn = {-1, -1};
    private final List<List<TcpState>> passed = List.of(new ArrayList<>(), new ArrayList<>());
    private final boolean[] finPending = new boolean[2]; // a FIN seen on the wire that this side takes later

    /**
     * @param sawSyn    true if the capture starts with the handshake (client CLOSE, server LISTEN);
     *                  false: both sides are assumed ESTABLISHED when the capture begins
     * @param listening false if nothing listened on the server's port (its only answer was RST)
     */
    StateReplay(boolean sawSyn, boolean listening) {
        state[0] = sawSyn ? TcpState.CLOSE : TcpState.ESTABLISHED;
        state[1] = !sawSyn ? TcpState.ESTABLISHED : listening ? TcpState.LISTEN : TcpState.CLOSE;
    }

    TcpState state(int side) {
        return state[side];
    }

    /** The states {@code side} entered while taking the last segment, in order (often none or one). */
    List<TcpState> passed(int side) {
        return List.copyOf(passed.get(side));
    }

    private void set(int side, TcpState next) {
        if (state[side] != next) {
            state[side] = next;
            passed.get(side).add(next);
        }
    }

    /** Applies a segment sent by {@code from} (0 client, 1 server) to both sides. */
    void apply(Segment s, int from) {
        apply(s, from, false);
    }

    /**
     * Like {@link #apply(Segment, int)}; {@code crossed} marks a FIN that crossed the peer's own FIN
     * on the wire (the peer's FIN does not acknowledge it): the peer takes it only after sending
     * its FIN, so it goes FIN_WAIT1 -> CLOSING (a simultaneous close), never CLOSE_WAIT.
     */
    void apply(Segment s, int from, boolean crossed) {
        passed.forEach(List::clear);
        int to = 1 - from;
        if (s.rst()) { // both ends drop the connection at once (a listening socket stays)
            for (int side : new int[] {from, to}) {
                if (state[side] != TcpState.LISTEN) {
                    set(side, TcpState.CLOSE);
                }
            }
            return;
        }
        if (s.syn() && !s.hasAck()) {
            isn[from] = s.seq();
            if (state[from] == TcpState.CLOSE) {
                set(from, TcpState.SYN_SENT);
            }
            if (state[to] == TcpState.LISTEN || state[to] == TcpState.SYN_SENT) {
                set(to, TcpState.SYN_RECV); // (SYN_SENT -> SYN_RECV is a simultaneous open)
            }
            return;
        }
        if (s.syn()) { // SYN+ACK
            isn[from] = s.seq();
            if (state[from] == TcpState.LISTEN || state[from] == TcpState.CLOSE) {
                set(from, TcpState.SYN_RECV);
            }
            if (state[to] == TcpState.SYN_SENT || state[to] == TcpState.SYN_RECV) {
                set(to, TcpState.ESTABLISHED); // it answers with the handshake's last ACK
            }
            return;
        }
        // The receiver first takes the ACK, then the FIN (RFC 9293 3.10.7.4, "fifth" then "eighth").
        if (s.hasAck()) {
            acknowledged(to, s.ack());
        }
        if (s.fin()) {
            long fin = (s.seq() + s.length()) % MOD;
            finSeq[from] = fin;
            switch (state[from]) {
                case ESTABLISHED, SYN_RECV -> set(from, TcpState.FIN_WAIT1);
                case CLOSE_WAIT -> set(from, TcpState.LAST_ACK);
                default -> {
                    // a retransmitted FIN: no change
                }
            }
            if (crossed) {
                finPending[to] = true;
            } else {
                receiveFin(to);
            }
            if (finPending[from]) {
                finPending[from] = false;
                receiveFin(from);
            }
        }
    }

    private void receiveFin(int to) {
        {
            switch (state[to]) {
                case ESTABLISHED, SYN_RECV -> set(to, TcpState.CLOSE_WAIT);
                case FIN_WAIT1 -> set(to, TcpState.CLOSING);
                case FIN_WAIT2 -> set(to, TcpState.TIME_WAIT);
                default -> {
                    // a repeated FIN: no change
                }
            }
        }
    }

    private void acknowledged(int side, long ack) {
        if (state[side] == TcpState.SYN_RECV && isn[side] >= 0 && covers(ack, isn[side])) {
            set(side, TcpState.ESTABLISHED);
        }
        if (finSeq[side] < 0 || !covers(ack, finSeq[side])) {
            return;
        }
        switch (state[side]) {
            case FIN_WAIT1 -> set(side, TcpState.FIN_WAIT2);
            case CLOSING -> set(side, TcpState.TIME_WAIT);
            case LAST_ACK -> set(side, TcpState.CLOSE);
            default -> {
                // nothing waits for this ACK
            }
        }
    }

    /** True if {@code ack} acknowledges the sequence number {@code seq} (ack > seq, modulo 2^32). */
    private static boolean covers(long ack, long seq) {
        long diff = (ack - seq) % MOD;
        if (diff < 0) {
            diff += MOD;
        }
        return diff > 0 && diff < MOD / 2;
    }
}
