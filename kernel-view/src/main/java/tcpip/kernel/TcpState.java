package tcpip.kernel;

/** A TCP connection state as the Linux kernel numbers it in the {@code st} column of /proc/net/tcp. */
public enum TcpState {
    ESTABLISHED(0x01),
    SYN_SENT(0x02),
    SYN_RECV(0x03),
    FIN_WAIT1(0x04),
    FIN_WAIT2(0x05),
    TIME_WAIT(0x06),
    CLOSE(0x07),
    CLOSE_WAIT(0x08),
    LAST_ACK(0x09),
    LISTEN(0x0A),
    CLOSING(0x0B),
    NEW_SYN_RECV(0x0C);

    private final int code;

    TcpState(int code) {
        this.code = code;
    }

    /** The kernel's numeric code (the hex {@code st} field). */
    public int code() {
        return code;
    }

    /** One line on what this state means for the program. */
    public String meaning() {
        return KernelText.get("state." + name());
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
