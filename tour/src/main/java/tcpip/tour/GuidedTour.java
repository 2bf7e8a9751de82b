package tcpip.tour;

import java.util.ArrayList;
import java.util.List;
import tcpip.kernel.Sysctl;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.close.CloseDemo;
import tcpip.echo.EchoDemo;
import tcpip.lifecycle.LifecycleDemo;
import tcpip.segmentation.SegmentationDemo;

/**
 * The guided tour: every chapter's narrated demo in the article's order, in one JVM on loopback,
 * each step followed by what the kernel shows.
 */
public final class GuidedTour {

    private GuidedTour() {
    }

    public static void main(String[] args) {
        Stages.main("GuidedTour",
                "Walks the article \"#3 TCP/IP 송수신 과정\" stage by stage on your own kernel (loopback only).",
                stages(), args);
    }

    /** The tour's stages: an introduction, then chapter 1 to 4, each stage name prefixed "chN-". */
    public static List<Stage> stages() {
        List<Stage> all = new ArrayList<>();
        all.add(new Stage("intro", "TCP/IP 송수신 과정", "what this tour shows", GuidedTour::intro));
        addChapter(all, "ch1", EchoDemo.stages());
        addChapter(all, "ch2", LifecycleDemo.stages());
        addChapter(all, "ch3", SegmentationDemo.stages());
        addChapter(all, "ch4", CloseDemo.stages());
        return List.copyOf(all);
    }

    private static void addChapter(List<Stage> all, String prefix, List<Stage> chapter) {
        for (Stage s : chapter) {
            all.add(new Stage(prefix + "-" + s.name(), s.articleSection(), s.title(), s.body()));
        }
    }

    private static void intro(Narrator n) {
        n.note("The article follows one connection through four steps; so does this tour:");
        n.note("  1. 소켓 생성        socket(): the kernel hands back a descriptor   (chapter02-lifecycle)");
        n.note("  2. 소켓 연결 설정   connect(): the three-way handshake             (chapter02-lifecycle)");
        n.note("  3. 데이터 송수신    write()/read(): buffers, segments, SEQ/ACK     (chapter03-segmentation)");
        n.note("  4. 소켓 연결 종료   close(): FIN, ACK, FIN, ACK, TIME_WAIT         (chapter04-close)");
        n.note("Chapter 1 (chapter01-echo) first runs the whole cycle once with an echo pair.");
        n.note("Every 'kernel' line below is read live from /proc/net/tcp*, /proc/self/fd or tcpdump;");
        n.note("every server binds 127.0.0.1 or ::1 on a port the kernel picks (port 0).");
        if (n.available()) {
            // Kernel facts of your machine: the numbers below depend on them, so they differ across kernels.
            n.kernel("Kernel facts of your machine: " + Sysctl.kernelFacts());
            n.note("Another kernel or other settings give other timings and sizes; every number below is read,");
            n.note("not written in: compare yours with the chapter READMEs (measured on Linux 6.18).");
        }
    }
}
