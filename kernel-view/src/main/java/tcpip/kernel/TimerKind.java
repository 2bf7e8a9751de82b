package tcpip.kernel;

/** The timer the kernel runs for a socket: the {@code tr} field of /proc/net/tcp. */
public enum TimerKind {
    NONE(0, "no timer"),
    RETRANSMIT(1, "retransmit timer (an unacknowledged segment will be sent again)"),
    KEEPALIVE(2, "keepalive timer"),
    TIME_WAIT(3, "TIME_WAIT timer (the row disappears when it expires)"),
    ZERO_WINDOW_PROBE(4, "zero-window probe timer (the peer's receive window is full)");

    private final int code;
    private final String meaning;

    TimerKind(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The timer kind for a kernel code; unknown codes count as {@link #NONE}. */
    public static TimerKind ofCode(int code) {
        for (TimerKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return NONE;
    }
}
