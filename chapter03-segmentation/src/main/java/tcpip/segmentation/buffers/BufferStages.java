package tcpip.segmentation.buffers;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.Segment;
import tcpip.kernel.SsInfo;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TcpCounters;
import tcpip.kernel.TimerTicks;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.segmentation.Msg;
import tcpip.segmentation.StageSupport;
import tcpip.segmentation.mss.MssReport;

/** 데이터 송수신 through the socket buffers: their sizes, the window, zero-window probes, the write-write deadlock. */
public final class BufferStages {

    /** Zero-window probes the window stage's reader waits for, idle, before it drains: three show the back-off. */
    static final int PROBES = 3;
    /**
     * The longest the reader waits for them. It waits for the probes in the capture, not for a fixed time:
     * a fixed 1.7 s after the writer blocked saw one probe only on a busy machine, where the writer's RTO
     * (the probes' base) grows with the RTT and the writer can look blocked while it merely waits for a CPU.
     */
    static final Duration PROBE_WATCH_LIMIT = Duration.ofSeconds(10);

    private BufferStages() {
    }

    /** This lesson's stages, in order. */
    public static List<Stage> stages() {
        return List.of(
                new Stage("buffers", StageSupport.SECTION, Msg.get("BufferStages.buffers.title"), BufferStages::buffers),
                new Stage("window", StageSupport.SECTION, Msg.get("BufferStages.window.title"), BufferStages::window));
    }

    static void buffers(Narrator n) throws Exception {
        n.code(BufferCore.class, "ask-before-connect");
        n.code(BufferCore.class, "read-back");
        for (int asked : new int[] {1 << 10, 32 << 10, 64 << 20}) {
            n.program(Msg.get("BufferStages.askBeforeConnect", asked));
            try (ServerSocket listener = StageSupport.listen(InetAddress.getLoopbackAddress());
                    Socket client = BufferCore.connect(StageSupport.address(listener), asked, asked);
                    Socket server = listener.accept()) {
                BufferReport.lines(client, asked, asked).forEach(n::result);
            }
        }
        n.program(Msg.get("BufferStages.setsNothing"));
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
        n.note(Msg.get("BufferStages.setBefore1"));
        n.note(Msg.get("BufferStages.setBefore2"));
    }

    /** Our window scale (ss wscale) against what the kernel computes it from. */
    private static void windowScale(Narrator n, Socket client, int rcvbufAsked) {
        Optional<int[]> scales = MssReport.ss(client).flatMap(SsInfo::windowScales);
        if (scales.isEmpty()) {
            n.kernel(Msg.get("BufferStages.noSs"));
            return;
        }
        int ours = scales.get()[1];
        if (rcvbufAsked == 0) {
            long tcpRmemMax = Sysctl.field("net/ipv4/tcp_rmem", 2, -1);
            long rmemMax = Sysctl.longOr("net/core/rmem_max", -1);
            long space = Math.max(tcpRmemMax, rmemMax);
            int expected = Math.max(0, Math.min(14, 63 - Long.numberOfLeadingZeros(space) - 15));
            n.kernel(Msg.get(ours == expected ? "BufferStages.wscale.matches" : "BufferStages.wscale.notMatch", ours,
                    tcpRmemMax, rmemMax, expected));
        } else {
            long rb = MssReport.ss(client).map(i -> i.number("skmem.rb")).orElse(-1L);
            int bound = Math.max(0, 63 - Long.numberOfLeadingZeros(Math.max(1, rb)) - 15);
            n.kernel(Msg.get(ours <= bound ? "BufferStages.wscaleSet.matches" : "BufferStages.wscaleSet.notMatch",
                    rcvbufAsked, ours, rb, bound));
        }
    }

    static void window(Narrator n) throws Exception {
        if (!n.available()) {
            return;
        }
        TcpCounters before = TcpCounters.read();
        n.code(WindowCore.class, "write-to-a-non-reader");
        n.program(Msg.get("BufferStages.write64"));
        report(n, WindowFill.run(0, 0, 64L << 20, StageSupport.TIMEOUT));
        int small = 16 << 10;
        n.program(Msg.get("BufferStages.again16k", PROBES, PROBE_WATCH_LIMIT.toMillis()));
        PacketCapture[] capture = new PacketCapture[1];
        int[] ports = new int[2];
        InetSocketAddress[] writerEnd = new InetSocketAddress[1]; // the client writes: the ladder's client
        WindowFill.Result r;
        try {
            r = WindowFill.run(small, small, 64L << 20, StageSupport.TIMEOUT,
                    () -> awaitProbes(capture[0], ports[0], ports[1], PROBES, PROBE_WATCH_LIMIT), pair -> {
                ports[0] = pair.clientPort();
                ports[1] = pair.serverPort();
                writerEnd[0] = (InetSocketAddress) pair.client().getLocalSocketAddress();
                capture[0] = PacketCapture.start(pair.serverPort());
            });
        } finally {
            if (capture[0] != null) {
                capture[0].stop();
            }
        }
        report(n, r);
        zeroWindowProbes(n, capture[0], writerEnd[0], ports[1], r.writerSs());
        resends(n, capture[0], ports[0], r.writerSs());
        n.code(WindowCore.class, "drain");

        n.program(Msg.get("BufferStages.deadlock"));
        WriteWriteDeadlock.Deadlock d = WriteWriteDeadlock.provoke(StageSupport.TIMEOUT);
        n.result(Msg.get("BufferStages.deadlock1", String.format("%,d", d.aWritten()), String.format("%,d", d.bWritten())));
        n.result(Msg.get("BufferStages.deadlock2", WriteWriteDeadlock.STABLE.toMillis()));
        n.kernel("A " + d.aRow().describe());
        n.kernel("B " + d.bRow().describe());
        n.note(Msg.get("BufferStages.nobodyReads"));
        n.program(Msg.get("BufferStages.fix"));
        long[] read = WriteWriteDeadlock.withReaders(StageSupport.TIMEOUT);
        n.result(Msg.get("BufferStages.bothFinished", String.format("%,d", read[0]), String.format("%,d", read[1])));
        counters(n, before, TcpCounters.read());
    }

    private static void report(Narrator n, WindowFill.Result r) {
        StallDetector.Stall s = r.stall();
        n.result(Msg.get("BufferStages.blockedAfter", String.format("%,d", s.written())));
        n.kernel(Msg.get("BufferStages.writerRow", s.writer().describe()));
        n.kernel(Msg.get("BufferStages.readerRow", s.reader().describe()));
        n.result(Msg.get("BufferStages.stuck", String.format("%,d", s.writer().txQueue()),
                String.format("%,d", s.reader().rxQueue()), String.format("%,d", s.stuck())));
        n.result(Msg.get("BufferStages.drained", String.format("%,d", r.read()), String.format("%,d", r.written())));
    }

    /** How long after the last probe its answer (the reader's window) is still part of the picture. */
    private static final double PROBE_ANSWER_SECONDS = 0.005;

    /**
     * Returns once {@code capture} shows the reader's zero window and {@code probes} probes after it, or after
     * {@code limit}; at once without a capture (nothing would show the probes).
     */
    static void awaitProbes(PacketCapture capture, int writer, int reader, int probes, Duration limit) {
        if (capture != null && capture.running()) {
            capture.await(ps -> ZeroWindowProbes.find(ps.stream().map(PacketCapture.Packet::segment).toList(), writer,
                    reader).probes().size() >= probes, limit);
        }
    }

    private static void zeroWindowProbes(Narrator n, PacketCapture capture, InetSocketAddress writerEnd, int reader,
            Optional<SsInfo> writerSs) {
        if (capture == null || !capture.running()) {
            n.note(capture == null ? Msg.get("BufferStages.noCapture") : capture.unavailableReason());
            n.note(Msg.get("BufferStages.withoutCapture"));
            return;
        }
        ZeroWindowProbes z = ZeroWindowProbes.find(capture.segments(), writerEnd.getPort(), reader);
        if (z.zeroWindow() == null) {
            n.result(Msg.get("BufferStages.noZeroWindow"));
            return;
        }
        n.line(Narrator.label("packet"), Msg.get("BufferStages.zeroWindowPacket", z.zeroWindow().describe()));
        List<Double> intervals = z.intervals();
        for (int i = 0; i < z.probes().size(); i++) {
            n.line(Narrator.label("packet"), Msg.get(i == 0 ? "BufferStages.firstProbePacket" : "BufferStages.probePacket",
                    z.probes().get(i).describe(), i + 1, String.format("%.3f", intervals.get(i))));
        }
        n.result(Msg.get(z.backsOff() ? "BufferStages.probes.backOff" : "BufferStages.probes.notBackOff", z.probes().size(),
                Math.round(intervals.stream().mapToDouble(Double::doubleValue).sum() * 1000), intervals.stream().map(v -> String.format("%.2f s", v)).toList()));
        Duration rtoMax = Duration.ofMillis(Sysctl.longOr("net/ipv4/tcp_rto_max_ms", 120_000));
        Optional<Duration> rto = writerSs.map(ss -> ss.fields().get("rto")).map(v -> Duration.ofNanos(
                Math.round(Double.parseDouble(v) * 1e6)));
        if (rto.isPresent() && !intervals.isEmpty()) {
            TimerTicks ticks = TimerTicks.ofThisKernel();
            n.result(Msg.get(z.onTime(rto.get(), rtoMax, ticks) ? "BufferStages.probeTimer.matches"
                    : "BufferStages.probeTimer.notMatch", rto.get().toMillis(), z.expected(rto.get(), rtoMax).stream()
                            .map(d -> String.format("%.3f s", d.toMillis() / 1000.0)).toList(), rtoMax.toMillis(),
                    ticks.describe()));
        } else {
            n.note(Msg.get("BufferStages.probeTimer.noSs"));
        }
        double lastProbe = z.probes().isEmpty() ? z.zeroWindow().time() : z.probes().get(z.probes().size() - 1).time();
        // The zero window, the probes and their answers; after the last probe only the reader's answer to it:
        // the reader starts draining as soon as the capture shows that probe, and its drain is not this picture.
        List<Segment> zeroOn = new ArrayList<>(capture.segments().stream()
                .filter(s -> s.time() >= z.zeroWindow().time() && s.time() <= lastProbe).toList());
        capture.segments().stream().filter(s -> s.time() > lastProbe && s.time() <= lastProbe + PROBE_ANSWER_SECONDS
                && s.srcPort() == reader).findFirst().ifPresent(zeroOn::add);
        n.ladder(zeroOn, writerEnd); // the zero window and the probes, as a picture; the writer is the client
        n.timeSequence(capture.segments());
    }

    /**
     * Data the writer sent twice on the 16 KiB connection, from its capture (nothing is lost on loopback),
     * and which timer resent it: before the writer's RTO ran out, a tail loss probe or RACK; after, the RTO.
     */
    private static void resends(Narrator n, PacketCapture capture, int writer, Optional<SsInfo> writerSs) {
        if (capture == null || !capture.running()) {
            return;
        }
        List<Segment> data = capture.segments().stream().filter(s -> s.srcPort() == writer && s.length() > 0).toList();
        Map<String, Double> firstSent = new HashMap<>();
        int twice = 0;
        double firstGap = -1;
        for (Segment s : data) {
            Double before = firstSent.putIfAbsent(s.seq() + ":" + s.seqEnd(), s.time());
            if (before != null) {
                twice++;
                firstGap = firstGap < 0 ? s.time() - before : firstGap;
            }
        }
        if (twice == 0) {
            n.result(Msg.get("BufferStages.noResend", data.size()));
            return;
        }
        double rtoMs = writerSs.map(ss -> ss.fields().get("rto")).map(Double::parseDouble).orElse(-1.0);
        n.result(Msg.get("BufferStages.resent", data.size(), twice, Narrator.human(Duration.ofNanos(
                Math.round(firstGap * 1e9))), rtoMs < 0 ? "?" : String.format("%.0f", rtoMs)));
        if (rtoMs > 0) {
            n.note(Msg.get(firstGap * 1000 < rtoMs ? "BufferStages.resent.beforeRto" : "BufferStages.resent.afterRto"));
        }
    }

    /**
     * Prints how much the TCP counters grew during the stage, and what they say: only where they are this
     * network namespace's own (the private one a normal user gets); the machine's counters also count
     * every other program's traffic, so there they are not shown.
     */
    public static void counters(Narrator n, TcpCounters before, TcpCounters after) {
        counters(n, before, after, PacketAccess.inPrivateNamespace());
    }

    /** The same, {@code ownNamespace} saying whether the counters are this namespace's alone. */
    static void counters(Narrator n, TcpCounters before, TcpCounters after, boolean ownNamespace) {
        if (!after.available()) {
            return;
        }
        if (!ownNamespace) {
            n.note(Msg.get("BufferStages.counters.hostWide"));
            return;
        }
        n.kernel(Msg.get("BufferStages.counters"));
        for (String c : List.of("TcpRetransSegs", "TcpExtTCPLossProbes", "TcpExtTCPFastRetrans", "TcpExtTCPSackRecovery",
                "TcpExtTCPTimeouts", "TcpExtTCPDSACKRecv")) {
            n.kernel(String.format("  %-22s +%d", c, after.since(before, c)));
        }
        n.result(verdict(after.since(before, "TcpRetransSegs"), after.since(before, "TcpExtTCPLossProbes"),
                after.since(before, "TcpExtTCPTimeouts"), after.since(before, "TcpExtTCPFastRetrans"),
                after.since(before, "TcpExtTCPSackRecovery"), after.since(before, "TcpExtTCPDSACKRecv")));
    }

    /**
     * What the counters say about resends on a path that loses nothing: none; timers alone (tail loss
     * probes, timeouts); timers and fast retransmissions the sender decided on from SACKs in recovery;
     * or more resends than all of these count (does NOT match).
     */
    static String verdict(long resent, long probes, long timeouts, long fast, long recoveries, long dsack) {
        if (resent == 0) {
            return Msg.get("BufferStages.counters.none");
        }
        if (probes + timeouts >= resent) {
            return Msg.get("BufferStages.counters.timers", resent, probes, timeouts, dsack);
        }
        if (fast > 0 && probes + timeouts + fast >= resent) {
            return Msg.get("BufferStages.counters.recovery", resent, probes, timeouts, fast, recoveries, dsack);
        }
        return Msg.get("BufferStages.counters.notMatch", resent, probes, timeouts, fast, dsack);
    }
}
