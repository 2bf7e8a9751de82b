package tcpip.segmentation;

import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Lang;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.segmentation.buffers.BufferStages;
import tcpip.segmentation.framing.FramingStages;
import tcpip.segmentation.mss.MssStages;
import tcpip.segmentation.nagle.NagleStages;
import tcpip.segmentation.seqack.SeqAckStages;
import tcpip.segmentation.throughput.ThroughputStages;
import tcpip.cli.PrivateNetwork;

/** The article's 데이터 송수신 section on loopback: every lesson package's stages, in article order. */
public final class SegmentationDemo {

    private SegmentationDemo() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: continue in a private network namespace, with packets
        Lang.chooseFrom(args);
        Stages.main("SegmentationDemo", Msg.get("SegmentationDemo.summary"), stages(), args);
    }

    /** Every stage of this chapter, in order. */
    public static List<Stage> stages() {
        List<Stage> stages = new ArrayList<>();
        stages.addAll(FramingStages.stages());
        stages.addAll(BufferStages.stages());
        stages.addAll(NagleStages.stages());
        stages.addAll(MssStages.stages());
        stages.addAll(SeqAckStages.stages());
        stages.addAll(ThroughputStages.stages());
        return List.copyOf(stages);
    }
}
