package tcpip.lifecycle;

import tcpip.kernel.SocketRow;

/** Where the rows this chapter prints come from, said once per program. */
final class KernelRows {

    private KernelRows() {
    }

    /** One line: which /proc file holds the row and how the address is really stored there. */
    static String whereFrom(SocketRow row) {
        if (row.ipv6Table() && row.localAddress() instanceof java.net.Inet4Address) {
            return "rows come from /proc/net/tcp6: JDK sockets are dual-stack AF_INET6, so the kernel stores"
                    + " 127.0.0.1 there as ::ffff:127.0.0.1 (shown here as 127.0.0.1); /proc/net/tcp has no row";
        }
        return "rows come from " + (row.ipv6Table() ? "/proc/net/tcp6" : "/proc/net/tcp");
    }
}
