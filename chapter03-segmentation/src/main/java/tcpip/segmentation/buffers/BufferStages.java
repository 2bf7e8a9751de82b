package tcpip.segmentation.buffers;

import tcpip.kernel.TcpCounters;
import tcpip.kernel.Sysctl;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.StageSupport;
import tcpip.segmentation.mss.MssReport;

/** 데이터 송수신 through the socket buffers: their sizes, the window, zero-window probes, the write-write deadlock. */
public final class BufferStages {

    /** How long the window stage's reader stays idle after the writer blocked: long enough for three probes. */
    private static final Duration PROBE_WATCH = Duration.ofMillis(1_700);

    private BufferStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("buffers", StageSupport.SECTION, "SO_SNDBUF / SO_RCVBUF: asked vs. allocated", BufferStages::buffers),
                new Stage("window", StageSupport.SECTION, "flow control: a full window blocks write()", BufferStages::window));
    }

    static void buffers(Narrator n) throws Exception {
        n.code(BufferCore.class, "ask-before-connect");
        n.code(BufferCore.class, "read-back");
        for (int asked : new int[] {1 << 10, 32 << 10, 64 << 20}) {
            n.program("client: SO_SNDBUF = SO_RCVBUF = " + asked + " before connect()");
            try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress());
                    Socket client = BufferCore.connect(StageSupport.address(listener), asked, asked);
                    Socket server = listener.accept()) {
                BufferReport.lines(client, asked, asked).forEach(n::result);
            }
        }
        n.program("client: sets nothing (the kernel autotunes both buffers)");
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress());
                Socket client = new Socket()) {
            client.connect(listener.getLocalSocketAddress());
            try (Socket server = listener.accept()) {
                BufferReport.lines(client, 0, 0).forEach(n::result);
                windowScale(n, client, 0);
            }
        }
        int small = 16 << 10;
        try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress());
                Socket client = BufferCore.connect(StageSupport.address(listener), small, small);
                Socket server = listener.accept()) {
            windowScale(n, client, small);
        }
        n.note("set buffers before connect()/listen(): the window scale is agreed in the SYN and cannot grow later;");
        n.note("setting a size also switches off the kernel's autotuning for that buffer");
    }

    /** Our window scale (ss wscale) against what the kernel computes it from. */
    private static void windowScale(Narrator n, Socket client, int rcvbufAsked) {
        Optional<int[]> scales = MssReport.ss(client).flatMap(SsInfo::windowScales);
        if (scales.isEmpty()) {
            n.kernel("window scale: ss is not available here");
            return;
        }
        int ours = scales.get()[1];
        if (rcvbufAsked == 0) {
            long tcpRmemMax = Sysctl.field("net/ipv4/tcp_rmem", 2, -1);
            long rmemMax = Sysctl.longOr("net/core/rmem_max", -1);
            long space = Math.max(tcpRmemMax, rmemMax);
            int expected = Math.max(0, Math.min(14, 63 - Long.numberOfLeadingZeros(space) - 15));
            n.kernel("our SYN's window scale (ss wscale) = " + ours + "; expected ilog2(max(tcp_rmem[2] " + tcpRmemMax
                    + ", rmem_max " + rmemMax + ")) - 15 = " + expected + (ours == expected ? ": matches" : ": does NOT match")
                    + " (from the largest buffer autotuning may reach, not from today's rb)");
        } else {
            long rb = MssReport.ss(client).map(i -> i.number("skmem.rb")).orElse(-1L);
            int bound = Math.max(0, 63 - Long.numberOfLeadingZeros(Math.max(1, rb)) - 15);
            n.kernel("with SO_RCVBUF " + rcvbufAsked + " set before connect(): window scale = " + ours + "; at most ilog2(rb "
                    + rb + ") - 15 = " + bound + (ours <= bound ? ": matches" : ": does NOT match")
                    + " (the kernel clamps the window to the buffer)");
        }
    }

    static void window(Narrator n) throws Exception {
        if (!n.available()) {
            return;
        }
        TcpCounters before = TcpCounters.read();
        n.code(WindowCore.class, "write-to-a-non-reader");
        n.program("client writes 64 MiB, the server reads nothing (default buffers)");
        report(n, WindowFill.run(0, 0, 64L << 20, StageSupport.TIMEOUT));
        int small = 16 << 10;
        n.program("again with SO_SNDBUF = SO_RCVBUF = 16 KiB; the reader stays idle " + PROBE_WATCH.toMillis()
                + " ms after the writer blocked");
        PacketCapture[] capture = new PacketCapture[1];
        int[] ports = new int[2];
        WindowFill.Result r;
        try {
            r = WindowFill.run(small, small, 64L << 20, StageSupport.TIMEOUT, PROBE_WATCH, pair -> {
                ports[0] = pair.clientPort();
                ports[1] = pair.serverPort();
                capture[0] = PacketCapture.start(pair.serverPort());
            });
        } finally {
            if (capture[0] != null) {
                capture[0].stop();
            }
        }
        report(n, r);
        zeroWindowProbes(n, capture[0], ports[0], ports[1]);
        n.code(WindowCore.class, "drain");

        n.program("deadlock: both peers write 8 MiB and neither reads (64 KiB buffers)");
        WriteWriteDeadlock.Deadlock d = WriteWriteDeadlock.provoke(StageSupport.TIMEOUT);
        n.result(String.format("DEADLOCK detected: both write() calls blocked (A wrote %,d, B wrote %,d) and the", d.aWritten(),
                d.bWritten()));
        n.result("kernel shows full queues on both ends, unchanged for " + WriteWriteDeadlock.STABLE.toMillis() + " ms:");
        n.kernel("A " + d.aRow().describe());
        n.kernel("B " + d.bRow().describe());
        n.note("nobody will ever read, so nobody's write() can return: we closed both sockets to end it");
        n.program("fix: the same two writers, plus a reader thread on each side");
        long[] read = WriteWriteDeadlock.withReaders(StageSupport.TIMEOUT);
        n.result(String.format("both finished: A read %,d bytes, B read %,d bytes", read[0], read[1]));
        counters(n, before, TcpCounters.read());
    }

    private static void report(Narrator n, WindowFill.Result r) {
        StallDetector.Stall s = r.stall();
        n.result(String.format("write() blocked after %,d bytes had been written", s.written()));
        n.kernel("writer " + s.writer().describe());
        n.kernel("reader " + s.reader().describe());
        n.result(String.format("stuck in the kernels: tx_queue %,d + rx_queue %,d = %,d bytes", s.writer().txQueue(),
                s.reader().rxQueue(), s.stuck()));
        n.result(String.format("then the reader drained: %,d bytes read, the writer resumed and wrote all %,d",
                r.read(), r.written()));
    }

    /** How long after the last probe its answer (the reader's window) is still part of the picture. */
    private static final double PROBE_ANSWER_SECONDS = 0.005;

    private static void zeroWindowProbes(Narrator n, PacketCapture capture, int writer, int reader) {
        if (capture == null || !capture.running()) {
            n.note(capture == null ? "no capture" : capture.unavailableReason());
            n.note("without a capture: the writer's row above shows timer=ZERO_WINDOW_PROBE while the window is zero");
            return;
        }
        ZeroWindowProbes z = ZeroWindowProbes.find(capture.segments(), writer, reader);
        if (z.zeroWindow() == null) {
            n.result("the capture has no segment with win 0 from the reader: does NOT match the blocked writer above");
            return;
        }
        n.line("packet", z.zeroWindow().describe() + "   <- the reader's window is zero");
        List<Double> intervals = z.intervals();
        for (int i = 0; i < z.probes().size(); i++) {
            n.line("packet", z.probes().get(i).describe() + String.format("   <- probe %d, %.3f s after the %s", i + 1,
                    intervals.get(i), i == 0 ? "zero window" : "previous probe"));
        }
        n.result(z.probes().size() + " zero-window probes in " + PROBE_WATCH.toMillis() + " ms; intervals "
                + intervals.stream().map(v -> String.format("%.2f s", v)).toList()
                + (z.backsOff() ? ": each longer than the one before: the kernel backs off (matches)"
                        : ": does NOT match a backing-off timer"));
        long rtoMinMs = Sysctl.longOr("net/ipv4/tcp_rto_min_us", -1) / 1_000;
        long rtoMaxMs = Sysctl.longOr("net/ipv4/tcp_rto_max_ms", -1);
        if (rtoMinMs > 0 && !intervals.isEmpty()) {
            n.result(String.format("first probe after %.3f s; tcp_rto_min = %d ms%s", intervals.get(0), rtoMinMs,
                    intervals.get(0) * 1_000 >= rtoMinMs ? ": not sooner (matches)" : ": sooner, does NOT match"));
        }
        double lastProbe = z.probes().isEmpty() ? z.zeroWindow().time() : z.probes().get(z.probes().size() - 1).time();
        List<tcpip.kernel.Segment> zeroOn = capture.segments().stream() // the zero window, the probes, their answers
                .filter(s -> s.time() >= z.zeroWindow().time() && s.time() <= lastProbe + PROBE_ANSWER_SECONDS).toList();
        n.ladder(zeroOn); // the zero window and the probes, as a picture
        n.timeSequence(capture.segments());
        n.note("the probe timer starts at the retransmission timeout (never below tcp_rto_min) and doubles, up to");
        n.note("tcp_rto_max" + (rtoMaxMs > 0 ? " (" + rtoMaxMs + " ms here)" : "")
                + "; each probe carries no data and makes the reader answer with its window");
    }

    /** Prints how much the kernel's retransmission counters grew between two readings. */
    public static void counters(Narrator n, TcpCounters before, TcpCounters after) {
        if (!after.available()) {
            return;
        }
        n.kernel("TCP counters during this stage (nstat names; the whole machine, so other traffic may add to them):");
        for (String c : List.of("TcpRetransSegs", "TcpExtTCPLossProbes", "TcpExtTCPFastRetrans", "TcpExtTCPSackRecovery",
                "TcpExtTCPTimeouts")) {
            n.kernel(String.format("  %-22s +%d", c, after.since(before, c)));
        }
        n.note("nothing is lost on loopback, yet the kernel may send again: a tail loss probe resends the last");
        n.note("unacknowledged segment when no ACK came within about two round trips; RetransSegs counts those too");
    }
}
