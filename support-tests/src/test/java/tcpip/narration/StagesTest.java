package tcpip.narration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StagesTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    /** A two-stage demo, run in its own JVM like every chapter demo. */
    public static final class TwoStages {
        public static void main(String[] args) {
            Stages.main("TwoStages", "two stages", List.of(
                    new Stage("one", "Section A", "first", n -> n.note("one ran")),
                    new Stage("two", "Section B", "second", n -> n.note("two ran"))), args);
        }
    }

    /** One stage that captures a real handshake and draws it. */
    public static final class CaptureStage {
        public static void main(String[] args) {
            Stages.main("CaptureStage", "one captured handshake", List.of(
                    new Stage("handshake", "Three way handshake", "captured", HtmlReportTest::handshake)), args);
        }
    }

    @Test
    void pcapHtmlAndPlainOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(tcpip.kernel.PacketCapture.installed(), "tcpdump is not installed");
        java.nio.file.Path html = dir.resolve("report.html");
        MainRunner.Result r = MainRunner.run(LIMIT, CaptureStage.class, "--no-pause", "--plain", "--pcap",
                dir.resolve("pcap").toString(), "--html", html.toString());
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        if (r.stdout().contains("packets not shown: ")) {
            return; // nothing may capture here: the stage said why in one line
        }
        assertThat(r.stdout()).contains("|-- SYN seq=0 len=0 --", "SYN+ACK seq=0 ack=1 len=0", "HTML report: ",
                "pcap files: ");
        java.nio.file.Path pcap = dir.resolve("pcap").resolve("handshake.pcap");
        Process p = new ProcessBuilder("tcpdump", "-n", "-r", pcap.toString()).start();
        String packets = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // the stage drew the first three packets; the file also has the close that followed
        assertThat(packets.lines().filter(l -> l.contains(" IP")).count()).isGreaterThanOrEqualTo(3);
        assertThat(java.nio.file.Files.readString(html)).contains("id=\"stage-handshake\"", "<svg", "handshake.pcap");
    }

    @Test
    void waitsForEnterBetweenStages() {
        MainRunner.Result r = MainRunner.run(LIMIT, "\n", TwoStages.class);
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).containsSubsequence("one ran", "[Enter] next stage: second", "two ran");
    }

    @Test
    void endOfInputNeverHangsAndNoPauseNeverAsks() {
        MainRunner.Result eof = MainRunner.run(LIMIT, null, TwoStages.class);
        assertThat(eof.exitCode()).isZero();
        assertThat(eof.stdout()).contains("two ran");
        MainRunner.Result straight = MainRunner.run(LIMIT, TwoStages.class, "--no-pause");
        assertThat(straight.stdout()).contains("two ran").doesNotContain("[Enter]");
    }

    @Test
    void listStageAndOnly() {
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--list").stdout())
                .contains("one  Section A: first").contains("two  Section B: second").doesNotContain("ran");
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--stage", "two").stdout())
                .contains("two ran").doesNotContain("one ran");
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--only", "one").stdout())
                .contains("one ran").doesNotContain("two ran");
        assertThat(MainRunner.run(LIMIT, TwoStages.class, "--only", "two,one", "--no-pause").stdout())
                .containsSubsequence("two ran", "one ran");
        MainRunner.Result unknown = MainRunner.runHere(LIMIT, TwoStages.class, "--only", "one,three");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no stage 'three'");
    }

    @Test
    void helpAndBadArguments() {
        CliContract.assertHelpAndBadArguments(TwoStages.class, new String[] {"--stage", "three"},
                new String[] {"--only"});
    }

    @Test
    void outputsThatCannotBeWrittenAreRefusedBeforeAnyStageRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("existing"));
        String[][] bad = {
            {"--html", "/dev/null/report.html"}, {"--html", dir.resolve("no-such-dir/report.html").toString()},
            {"--html", dir.resolve("existing").toString()}, {"--pcap", "/dev/null/pcaps"},
            {"--pcap", "/proc/self/no-such-dir/x"}, {"--html", ""}, {"--html", "reports/"}, {"--pcap", ""},
        };
        for (String[] args : bad) {
            String[] all = {args[0], args[1], "--no-pause"};
            MainRunner.Result r = MainRunner.runHere(LIMIT, TwoStages.class, all);
            assertThat(r.exitCode()).as("%s: %s", String.join(" ", args), r.stderr()).isEqualTo(2);
            assertThat(r.stdout()).as(String.join(" ", args)).doesNotContain("one ran");
            assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1)
                    .allSatisfy(line -> assertThat(line).startsWith("TwoStages: " + args[0]));
        }
        java.nio.file.Path pcaps = dir.resolve("new/pcaps");
        MainRunner.Result made = MainRunner.runHere(LIMIT, TwoStages.class, "--pcap", pcaps.toString(), "--no-pause");
        assertThat(made.exitCode()).as(made.stderr()).isZero();
        assertThat(pcaps).isDirectory();
    }

    @Test
    void anUnknownStageIsNamedAndABidiOverrideIsRefusedEscaped() {
        MainRunner.Result r = MainRunner.runHere(LIMIT, TwoStages.class, "--only", "one,eno");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("TwoStages: no stage 'eno' (try --list)" + System.lineSeparator());
        MainRunner.Result bidi = MainRunner.runHere(LIMIT, TwoStages.class, "--only", "one,\u202eeno");
        assertThat(bidi.exitCode()).isEqualTo(2);
        assertThat(bidi.stderr()).contains("'one,\\u202eeno'").doesNotContain("\u202e").hasLineCount(1);
    }
}
