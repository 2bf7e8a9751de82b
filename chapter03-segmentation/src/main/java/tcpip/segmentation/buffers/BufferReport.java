package tcpip.segmentation.buffers;

import tcpip.kernel.Sysctl;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.SsInfo;

/**
 * Puts side by side what was asked for, what Java reports and what the kernel holds ({@code ss -m}),
 * and checks the relation Linux applies, from the live limits: kernel = 2 × min(asked, max),
 * at least the kernel's built-in minimum; Java = kernel / 2. Says "does NOT match" when it does not.
 */
public final class BufferReport {

    private BufferReport() {
    }

    /** The report for a connected socket; {@code asked} 0 = that buffer was not set (autotuned). */
    public static List<String> lines(Socket socket, long askedSnd, long askedRcv) throws IOException {
        List<String> out = new ArrayList<>();
        int[] java = BufferCore.javaView(socket);
        out.add("asked       SO_SNDBUF=" + shown(askedSnd) + " SO_RCVBUF=" + shown(askedRcv));
        out.add("Java says   getSendBufferSize()=" + java[0] + " getReceiveBufferSize()=" + java[1]);
        Optional<SsInfo> ss = SsInfo.installed() ? SsInfo.of(socket.getLocalPort(), socket.getPort()) : Optional.empty();
        if (ss.isEmpty()) {
            out.add("kernel      " + (SsInfo.installed() ? "ss printed nothing for this connection" : SsInfo.unavailableMessage()));
            return out;
        }
        long tb = ss.get().number("skmem.tb");
        long rb = ss.get().number("skmem.rb");
        out.add("kernel      skmem tb=" + tb + " (send buffer) rb=" + rb + " (receive buffer)   ["
                + SsInfo.command(socket.getLocalPort(), socket.getPort()) + "]");
        out.add("relation    send: " + relation(askedSnd, tb, java[0], "net/core/wmem_max", "net/ipv4/tcp_wmem"));
        out.add("relation    receive: " + relation(askedRcv, rb, java[1], "net/core/rmem_max", "net/ipv4/tcp_rmem"));
        return out;
    }

    /** One checked relation for one buffer. */
    static String relation(long asked, long kernel, int java, String maxName, String autoName) {
        String javaPart = java == kernel / 2 ? "Java = kernel / 2 = " + java
                : "Java " + java + " does NOT match kernel / 2 = " + kernel / 2;
        if (asked <= 0) {
            long start = Sysctl.field(autoName, 1, -1);
            long top = Sysctl.field(autoName, 2, -1);
            String fits = kernel <= top ? "at most [2]: matches" : "above [2]: does NOT match";
            return "not set: autotuned, starts at " + autoName.substring(autoName.lastIndexOf('/') + 1) + "[1]=" + start
                    + ", may grow to [2]=" + top + "; kernel " + kernel + " is " + fits + "; " + javaPart;
        }
        long max = Sysctl.longOr(maxName, -1);
        long expected = BufferCore.expectedKernelSize(asked, max);
        String name = maxName.substring(maxName.lastIndexOf('/') + 1);
        String sizePart = "2 x min(" + asked + ", " + name + " " + max + ") = " + expected;
        if (kernel == expected) {
            sizePart += (asked > max ? ": matches (clamped to " + name + ")" : ": matches");
        } else if (kernel > expected && asked < max) {
            sizePart += ": kernel " + kernel + " is more: raised to the kernel's built-in minimum";
        } else {
            sizePart += ": kernel " + kernel + " does NOT match";
        }
        return sizePart + "; " + javaPart;
    }

    private static String shown(long asked) {
        return asked <= 0 ? "(not set)" : String.valueOf(asked);
    }
}
