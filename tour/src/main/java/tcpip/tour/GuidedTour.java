package tcpip.tour;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tcpip.cli.Lang;
import tcpip.cli.PrivateNetwork;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.Sysctl;
import tcpip.kernel.TextWidth;
import tcpip.narration.ArticleSection;
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

    /** The article's four steps the intro lists, the chapter that shows each, and its sentence. */
    private static final List<ArticleSection> STEPS = List.of(ArticleSection.SOCKET_CREATION,
            ArticleSection.SOCKET_CONNECT, ArticleSection.DATA_TRANSFER, ArticleSection.SOCKET_CLOSE);
    private static final List<String> STEP_CHAPTERS = List.of("chapter02-lifecycle", "chapter02-lifecycle",
            "chapter03-segmentation", "chapter04-close");
    private static final List<String> STEP_KEYS = List.of("intro.step1", "intro.step2", "intro.step3", "intro.step4");
    /** Spaces between the intro's columns. */
    private static final int COLUMN_GAP = 3;
    /** The loss-lab experiments the tour runs: a segment lost mid-stream and recovered. */
    private static final Set<String> TOUR_LOSS_STAGES = Set.of("loss-drop-middle");

    private GuidedTour() {
    }

    public static void main(String[] args) {
        PrivateNetwork.enter(args); // not root: the tour continues in a private network namespace, with packets
        Lang.chooseFrom(args); // before the stages' titles are built
        Stages.main("GuidedTour", Msg.get("tour.summary"), stages(), args);
    }

    /** The tour's stages: an introduction, then chapter 1 to 4, each stage name prefixed "chN-". */
    public static List<Stage> stages() {
        List<Stage> all = new ArrayList<>();
        all.add(new Stage("intro", ArticleSection.ARTICLE, Msg.get("intro.title"), GuidedTour::intro));
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
            all.add(s.renamed(prefix + "-" + s.name()));
        }
    }

    private static void intro(Narrator n) {
        n.note(PacketAccess.current().describe()); // root, a private namespace, or why not and the fix
        n.note(Msg.get("intro.steps"));
        steps().forEach(n::note);
        for (String key : new String[] {"intro.chapter1", "intro.live", "intro.loopback"}) {
            n.note(Msg.get(key));
        }
        if (n.available()) {
            // Kernel facts of your machine: the numbers below depend on them, so they differ across kernels.
            n.kernel(Msg.get("intro.facts", Sysctl.kernelFacts()));
            n.note(Msg.get("intro.differ"));
            n.note(Msg.get("intro.compare"));
        }
    }

    /** The article's four steps as a table: section title, what happens, chapter; padded by display width. */
    static List<String> steps() {
        List<String> whats = STEP_KEYS.stream().map(Msg::get).toList();
        int sectionColumns = STEPS.stream().mapToInt(s -> TextWidth.of(s.title())).max().orElse(0) + COLUMN_GAP;
        int whatColumns = whats.stream().mapToInt(TextWidth::of).max().orElse(0) + COLUMN_GAP;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < STEPS.size(); i++) {
            lines.add("  " + (i + 1) + ". " + TextWidth.padRight(STEPS.get(i).title(), sectionColumns)
                    + TextWidth.padRight(whats.get(i), whatColumns) + "(" + STEP_CHAPTERS.get(i) + ")");
        }
        return lines;
    }
}
