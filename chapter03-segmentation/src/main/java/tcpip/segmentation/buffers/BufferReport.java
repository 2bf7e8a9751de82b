package tcpip.segmentation.buffers;

import tcpip.kernel.Sysctl;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.SsInfo;
import tcpip.kernel.TextWidth;
import tcpip.segmentation.Msg;

/**
 * Puts side by side what was asked for, what Java reports and what the kernel holds ({@code ss -m}),
 * and checks the relation Linux applies, from the live limits: kernel = 2 × min(asked, max),
 * at least the kernel's built-in minimum; Java = kernel / 2. Says "does NOT match" when it does not.
 */
public final class BufferReport {

    /** Display columns of the label in front of each line ("asked", "kernel" …), Hangul counted as two. */
    static final int LABEL_COLUMNS = 12;

    private BufferReport() {
    }

    /** The label {@code key}, padded to {@link #LABEL_COLUMNS} display columns (at least one space after it). */
    static String label(String key) {
        return TextWidth.padRight(Msg.get(key), LABEL_COLUMNS - 1) + " ";
    }

    /** The report for a connected socket; {@code asked} 0 = that buffer was not set (autotuned). */
    public static List<String> lines(Socket socket, long askedSnd, long askedRcv) throws IOException {
        List<String> out = new ArrayList<>();
        int[] java = BufferCore.javaView(socket);
        out.add(label("BufferReport.label.asked") + "SO_SNDBUF=" + shown(askedSnd) + " SO_RCVBUF=" + shown(askedRcv));
        out.add(label("BufferReport.label.java") + "getSendBufferSize()=" + java[0] + " getReceiveBufferSize()=" + java[1]);
        Optional<SsInfo> ss = SsInfo.installed() ? SsInfo.of(socket.getLocalPort(), socket.getPort()) : Optional.empty();
        if (ss.isEmpty()) {
            out.add(label("BufferReport.label.kernel") + (SsInfo.installed() ? Msg.get("BufferReport.ssNothing")
                    : SsInfo.unavailableMessage()));
            return out;
        }
        long tb = ss.get().number("skmem.tb");
        long rb = ss.get().number("skmem.rb");
        out.add(label("BufferReport.label.kernel") + Msg.get("BufferReport.skmem", tb, rb,
                SsInfo.command(socket.getLocalPort(), socket.getPort())));
        out.add(label("BufferReport.label.relation") + Msg.get("BufferReport.send",
                relation(askedSnd, tb, java[0], "net/core/wmem_max", "net/ipv4/tcp_wmem", ss.get())));
        out.add(label("BufferReport.label.relation") + Msg.get("BufferReport.receive",
                relation(askedRcv, rb, java[1], "net/core/rmem_max", "net/ipv4/tcp_rmem", ss.get())));
        return out;
    }

    /**
     * One checked relation for one buffer. Not set: autotuning starts it at [1] of tcp_wmem/tcp_rmem, but
     * the kernel may already have raised a send buffer when the handshake completed, to hold its initial
     * congestion window of full-size segments (tcp_sndbuf_expand); it never grows past [2].
     */
    static String relation(long asked, long kernel, int java, String maxName, String autoName, SsInfo ss) {
        String javaPart = java == kernel / 2 ? Msg.get("BufferReport.java.matches", java)
                : Msg.get("BufferReport.java.notMatch", java, kernel / 2);
        if (asked <= 0) {
            String name = autoName.substring(autoName.lastIndexOf('/') + 1);
            long start = Sysctl.field(autoName, 1, -1);
            long top = Sysctl.field(autoName, 2, -1);
            if (kernel > top) {
                return Msg.get("BufferReport.auto.notMatch", name, start, top, kernel, javaPart);
            }
            if (kernel <= start) {
                return Msg.get("BufferReport.auto.start", name, start, top, kernel, javaPart);
            }
            if (autoName.endsWith("tcp_rmem")) {
                return Msg.get("BufferReport.auto.rcvRaised", name, start, top, kernel, javaPart);
            }
            long window = 2 * ss.number("cwnd") * ss.number("mss"); // two initial windows of full segments
            return Msg.get(kernel >= window ? "BufferReport.auto.raised" : "BufferReport.auto.raisedNotMatch", name,
                    start, top, kernel, javaPart, ss.number("cwnd"), ss.number("mss"), window);
        }
        long max = Sysctl.longOr(maxName, -1);
        long expected = BufferCore.expectedKernelSize(asked, max);
        String name = maxName.substring(maxName.lastIndexOf('/') + 1);
        String key;
        if (kernel == expected) {
            key = asked > max ? "BufferReport.size.clamped" : "BufferReport.size.matches";
        } else if (kernel > expected && asked < max) {
            key = "BufferReport.size.raised";
        } else {
            key = "BufferReport.size.notMatch";
        }
        return Msg.get(key, asked, name, max, expected, kernel, javaPart);
    }

    private static String shown(long asked) {
        return asked <= 0 ? Msg.get("BufferReport.notSet") : String.valueOf(asked);
    }
}
