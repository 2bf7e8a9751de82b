package tcpip.kernel;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;

/** Writes a socket address the way people do: 127.0.0.1:7007 or [::1]:7007 (the one endpoint formatter). */
public final class Endpoint {

    private Endpoint() {
    }

    /** {@code 127.0.0.1:7007}, {@code [::1]:7007}; anything that is not an IP socket address as Java prints it. */
    public static String text(SocketAddress address) {
        if (!(address instanceof InetSocketAddress a) || a.getAddress() == null) {
            return String.valueOf(address);
        }
        InetAddress ip = a.getAddress();
        return (ip instanceof Inet6Address ? "[" + compress(ip.getHostAddress()) + "]" : ip.getHostAddress())
                + ":" + a.getPort();
    }

    /** An address and a port, e.g. a connection's peer: {@code [::1]:7007}. */
    public static String text(InetAddress address, int port) {
        return text(new InetSocketAddress(address, port));
    }

    /** Java prints 0:0:0:0:0:0:0:1; the usual short form replaces the longest run of zero groups with "::". */
    public static String compress(String full) {
        String scope = "";
        int percent = full.indexOf('%');
        if (percent >= 0) {
            scope = full.substring(percent);
            full = full.substring(0, percent);
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; i++) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return full + scope;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail + scope;
    }
}
