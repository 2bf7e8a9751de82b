package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Lang;
import tcpip.kernel.PacketAccess;
import tcpip.kernel.SocketTable;
import tcpip.narration.Stage;
import tcpip.testing.MainRunner;

/**
 * A machine where nothing can capture (forced with -Dtcpip.packets=off): every capturing stage still
 * runs, says once "packets not shown" and why, draws no empty ladder, never says "does NOT match" for a
 * capture that could not run, and the run ends with what was skipped.
 */
class NoCaptureTourTest {

    private static final Set<String> CAPTURING = Set.of("ch2-packets", "ch3-mss", "ch3-seq-ack-model", "ch4-linger-zero");
    private static final String LAB = "ch3-loss-drop-middle";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void stagesSayOnceWhyThereAreNoPacketsAndRunTheRest() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        List<Stage> chosen = TourRun.stages(Lang.EN).stream()
                .filter(s -> CAPTURING.contains(s.name()) || s.name().equals(LAB)).toList();
        assertThat(chosen).hasSize(CAPTURING.size() + 1);
        // Its own JVM: the switch is a system property of that JVM only (the tour's test classes run side by side).
        List<String> command = new ArrayList<>(MainRunner.java());
        command.addAll(List.of("-D" + PacketAccess.SWITCH_PROPERTY + "=off", GuidedTour.class.getName(), "--only",
                "intro," + String.join(",", chosen.stream().map(Stage::name).toList()), "--no-pause"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).as(out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("packets: not shown in this run: capture is switched off (-Dtcpip.packets=off)")
                .doesNotContain("does NOT match").doesNotContain("ladder  |")
                .doesNotContain("captured nothing").doesNotContain("no SYN");
        for (Stage s : chosen) {
            List<String> lines = section(out, s);
            assertThat(lines).as("stage %s ran%n%s", s.name(), out).isNotEmpty();
            long said = lines.stream().filter(l -> l.contains("packets not shown: capture is switched off")).count();
            long notRun = lines.stream().filter(l -> l.contains("not run here: ")).count();
            if (s.name().equals(LAB)) {
                assertThat(notRun).as("the lab says once why it does not run%n%s", String.join("\n", lines)).isEqualTo(1);
            } else {
                assertThat(said).as("stage %s says once why it shows no packets%n%s", s.name(), String.join("\n", lines))
                        .isEqualTo(1);
                assertThat(lines.stream().filter(l -> l.contains("(-Dtcpip.packets=off)")).count())
                        .as("and repeats it nowhere").isEqualTo(1);
            }
        }
        assertThat(out).contains("What this run could not show, and why:")
                .contains("packets not shown in 4 stage(s) (" + String.join(", ", chosen.stream().map(Stage::name)
                        .filter(CAPTURING::contains).toList()) + "): capture is switched off")
                .contains("not run in 1 stage(s) (" + LAB + "): the loss lab needs a network namespace of its own");
    }

    /** The lines of one stage, from its header to the next header (or the summary). */
    private static List<String> section(String out, Stage s) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String l : out.lines().toList()) {
            if (l.startsWith("=== ") || l.startsWith("What this run")) {
                in = l.equals(TourRun.header(s));
            } else if (in) {
                lines.add(l);
            }
        }
        return lines;
    }
}
