package tcpip.lifecycle;

import static tcpip.lifecycle.LifecycleMessages.msg;

import tcpip.kernel.SocketRow;

/** Where the rows this chapter prints come from, said once per program. */
final class KernelRows {

    private KernelRows() {
    }

    /** One line: which /proc file holds the row and how the address is really stored there. */
    static String whereFrom(SocketRow row) {
        if (row.ipv6Table() && row.localAddress() instanceof java.net.Inet4Address) {
            return msg("KernelRows.dualStack");
        }
        return msg("KernelRows.from", row.ipv6Table() ? "/proc/net/tcp6" : "/proc/net/tcp");
    }
}
