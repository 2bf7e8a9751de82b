package tcpip.lifecycle;


import java.net.Inet4Address;
import tcpip.kernel.SocketRow;

/** Where the rows this chapter prints come from, said once per program. */
public final class KernelRows {

    private KernelRows() {
    }

    /** One line: which /proc file holds the row and how the address is really stored there. */
    public static String whereFrom(SocketRow row) {
        if (row.ipv6Table() && row.localAddress() instanceof Inet4Address) {
            return Msg.get("KernelRows.dualStack");
        }
        return Msg.get("KernelRows.from", row.ipv6Table() ? "/proc/net/tcp6" : "/proc/net/tcp");
    }
}
