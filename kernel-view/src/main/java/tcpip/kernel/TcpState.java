package tcpip.kernel;

/** A TCP connection state as the Linux kernel numbers it in the {@code st} column of /proc/net/tcp. */
public enum TcpState {
    ESTABLISHED(0x01, "connection open: data flows both ways (article: 커넥션/세션)"),
    SYN_SENT(0x02, "client sent SYN, waiting for SYN+ACK"),
    SYN_RECV(0x03, "server got SYN, sent SYN+ACK, waiting for the final ACK"),
    FIN_WAIT1(0x04, "this side sent FIN, waiting for its ACK"),
    FIN_WAIT2(0x05, "our FIN is acknowledged, waiting for the peer's FIN"),
    TIME_WAIT(0x06, "closed first; kept to catch late segments and re-send the last ACK"),
    CLOSE(0x07, "closed"),
    CLOSE_WAIT(0x08, "peer sent FIN (read() returns -1); waiting for this program's close()"),
    LAST_ACK(0x09, "closed second; waiting for the ACK of our FIN"),
    LISTEN(0x0A, "server socket waiting for SYNs; rx_queue = connections waiting for accept()"),
    CLOSING(0x0B, "both sides sent FIN at the same time"),
    NEW_SYN_RECV(0x0C, "request socket: SYN received, SYN+ACK sent (not shown in /proc)");

    private final int code;
    private final String meaning;

    TcpState(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The kernel's numeric code (the hex {@code st} field). */
    public int code() {
        return code;
    }

    /** One line on what this state means for the program. */
    public String meaning() {
        return meaning;
    }

    /** The state for a kernel code; throws for a code Linux does not use. */
    public static TcpState ofCode(int code) {
        for (TcpState s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown TCP state code 0x" + Integer.toHexString(code));
    }
}
