package tcpip.segmentation.loss;

import java.io.IOException;
import java.util.List;
import tcpip.kernel.PacketCapture;
import tcpip.kernel.PacketCapture.Packet;
import tcpip.kernel.SsInfo;
import tcpip.narration.Narrator;
import tcpip.segmentation.Msg;

/** mss: what the namespace's 1500-byte MTU does to the SYN's mss option and to every segment. */
final class MssExperiment {

    private MssExperiment() {
    }

    /** What the 1500-MTU namespace shows about MSS. */
    record MssResult(int synMss, long ssMss, long advmss, long pmtu, boolean timestamps, int largestPayload) {
    }

    static MssResult run(Lab lab, Narrator n) throws Exception {
        int port = lab.listen();
        try (PacketCapture cap = lab.capture(port)) {
            Lab.Conn c = lab.connect(port);
            lab.expect("send 65536", "received");
            SsInfo ss = lab.ss(c.clientPort(), port).orElseThrow(() -> new IOException(Msg.get("LossLab.noSsRow")));
            lab.expect("close", "closed");
            cap.await(LabSupport.bothFins(), LabSupport.SETTLE);
            List<Packet> ps = cap.stopPackets();
            Packet syn = ps.stream().filter(p -> p.segment().flags().equals("S")).findFirst()
                    .orElseThrow(() -> new IOException(Msg.get("LossLab.noSyn")));
            int largest = ps.stream().filter(p -> p.segment().dstPort() == port).mapToInt(p -> p.segment().length())
                    .max().orElse(0);
            MssResult r = new MssResult(syn.segment().mss(), ss.number("mss"), ss.number("advmss"), ss.number("pmtu"),
                    syn.timestamps(), largest);
            n.line(Narrator.label("packet"), syn.describe(syn.segment().time()) + (r.timestamps() ? " +timestamps" : ""));
            n.kernel(Msg.get("LossLab.clientSs", ss.mssLine()));
            n.result(LabSupport.relation("SYN mss = pmtu - 20 (IP) - 20 (TCP)", r.synMss(), r.pmtu() - 40));
            long tsBytes = r.timestamps() ? 12 : 0;
            n.result(LabSupport.relation(Msg.get("LossLab.mss.ssMss", tsBytes), r.ssMss(), r.synMss() - tsBytes));
            n.result(LabSupport.relation(Msg.get("LossLab.mss.largest"), r.largestPayload(), r.ssMss()));
            n.simplifies(Msg.get("LossLab.mss.article", r.ssMss()));
            return r;
        }
    }
}
