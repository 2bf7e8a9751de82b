package tcpip.kernel;

/** The timer the kernel runs for a socket: the {@code tr} field of /proc/net/tcp. */
public enum TimerKind {
    NONE(0),
    RETRANSMIT(1),
    KEEPALIVE(2),
    TIME_WAIT(3),
    ZERO_WINDOW_PROBE(4);

    private final int code;

    TimerKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** One line on what this timer does, in the current language. */
    public String meaning() {
        return KernelText.get("timer." + name());
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
