package tcpip.tour;

import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Lang;
import tcpip.cli.Messages;
import tcpip.cli.PrivateNetwork;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.Sysctl;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.close.CloseDemo;
import tcpip.echo.EchoDemo;
import tcpip.lifecycle.LifecycleDemo;
import tcpip.segmentation.SegmentationDemo;
import tcpip.segmentation.loss.LossLabStages;

/**
 * The guided tour: every chapter's narrated demo in the article's order, in one JVM on loopback,
 * each step followed by what the kernel shows.
 */
public final class GuidedTour {

    private static final Messages MSG = Messages.of("tcpip.tour.messages");
    /** The loss-lab experiments the tour runs: a segment lost mid-stream and recovered. */
    private static final java.util.Set<String> TOUR_LOSS_STAGES = java.util.Set.of("loss-drop-middle");

    private GuidedTour() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: the tour continues in a private network namespace, with packets
        Lang.chooseFrom(args); // before the stages' titles are built
        Stages.main("GuidedTour", MSG.get("tour.summary"), stages(), args);
    }

    /** The tour's stages: an introduction, then chapter 1 to 4, each stage name prefixed "chN-". */
    public static List<Stage> stages() {
        List<Stage> all = new ArrayList<>();
        all.add(new Stage("intro", "TCP/IP 송수신 과정", MSG.get("intro.title"), GuidedTour::intro));
        addChapter(all, "ch1", EchoDemo.stages());
        addChapter(all, "ch2", LifecycleDemo.stages());
        addChapter(all, "ch3", SegmentationDemo.stages());
        // Real loss: one experiment of chapter03's lab (in a namespace of its own; LossLab runs all of them).
        addChapter(all, "ch3", LossLabStages.stages().stream().filter(s -> TOUR_LOSS_STAGES.contains(s.name())).toList());
        addChapter(all, "ch4", CloseDemo.stages());
        return List.copyOf(all);
    }

    private static void addChapter(List<Stage> all, String prefix, List<Stage> chapter) {
        for (Stage s : chapter) {
            all.add(new Stage(prefix + "-" + s.name(), s.articleSection(), s.title(), s.body()));
        }
    }

    private static void intro(Narrator n) {
        n.note(PacketAccess.current().describe()); // root, a private namespace, or why not and the fix
        for (String key : new String[] {"intro.steps", "intro.step1", "intro.step2", "intro.step3", "intro.step4",
                "intro.chapter1", "intro.live", "intro.loopback"}) {
            n.note(MSG.get(key));
        }
        if (n.available()) {
            // Kernel facts of your machine: the numbers below depend on them, so they differ across kernels.
            n.kernel(MSG.get("intro.facts", Sysctl.kernelFacts()));
            n.note(MSG.get("intro.differ"));
            n.note(MSG.get("intro.compare"));
        }
    }
}
