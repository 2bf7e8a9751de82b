package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.kernel.Background;
import tcpip.kernel.PacketAccess;

/**
 * The tour as a learner runs it: a normal user (nobody), no LANG, no root. Started from a root test JVM
 * with {@code setpriv} (CI runs as root): the tour makes its private network namespace itself, and the
 * create stage's Korean header, the handshake's packets and the real-loss stage's retransmission all show,
 * never a '?' for Hangul and never "does NOT match".
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UnprivilegedTourTest {

    /** nobody / nogroup on Debian and Fedora. */
    private static final String NOBODY = "65534";
    private static final long LIMIT_SECONDS = 75;
    private static final List<String> STAGES = List.of("intro", "ch1-create", "ch2-packets", "ch3-loss-drop-middle");
    private static Path copy;
    private static String output;

    @BeforeAll
    static void runStagesAsNobody() throws IOException {
        assumeTrue(PacketAccess.linux() && PacketAccess.hasCapability(7 /* CAP_SETUID */),
                "needs root (as in CI) to start the tour as another user");
        for (String tool : List.of("setpriv", "unshare", "ip", "tcpdump", "nft", "nsenter", "ss", "nstat")) {
            assumeTrue(PacketAccess.tool(tool).isPresent(), tool + " is not installed");
        }
        TourRun.start(); // the whole-tour runs other tests read go on meanwhile, instead of after this one
        // nobody may not read a clone under /root: the classes go to a world-readable folder first.
        copy = Files.createTempDirectory("tour-as-nobody", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        List<String> classPath = new ArrayList<>();
        Path root = Path.of(System.getProperty("tcpip.root", ".")).toAbsolutePath().normalize();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry).toAbsolutePath().normalize();
            if (from.startsWith(root) && !entry.contains("test-classes") && Files.exists(from)) {
                Path to = copy.resolve(i++ + "-" + from.getFileName());
                copyReadable(from, to);
                classPath.add(to.toString());
            }
        }
        output = asNobody(String.join(File.pathSeparator, classPath), String.join(",", STAGES)); // one run, one namespace
    }

    @AfterAll
    static void removeCopy() throws IOException {
        if (copy != null) {
            try (Stream<Path> all = Files.walk(copy)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void copyReadable(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
    }

    /** Tour stages as nobody with an empty environment (no LANG, no LC_ALL): stdout and stderr. */
    private static String asNobody(String cp, String stages) {
        List<String> command = List.of("env", "-i", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + copy,
                PacketAccess.tool("setpriv").orElseThrow().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", cp, GuidedTour.class.getName(), "--only", stages, "--no-pause");
        try {
            Process p = new ProcessBuilder(command).directory(copy.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return e.toString();
                }
            }, Background.OWN_THREAD);
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out after " + LIMIT_SECONDS + " s: " + out.getNow("");
            }
            return out.join() + "\n(exit " + p.exitValue() + ")";
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** What the run printed for one stage: from its header to the next one (the intro: up to the first). */
    private static String run(String stage) {
        List<String> lines = output.lines().toList();
        List<Integer> headers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("=== ")) {
                headers.add(i);
            }
        }
        int k = STAGES.indexOf(stage);
        assertThat(headers).as("a header per stage in%n%s", output).hasSizeGreaterThan(k);
        int end = k + 1 < headers.size() ? headers.get(k + 1) : lines.size();
        return String.join("\n", lines.subList(headers.get(k), end));
    }

    @Test
    void theRunEndsWellAndHidesNothing() {
        assertThat(output).as(output).endsWith("(exit 0)").doesNotContain("does NOT match").doesNotContain("packets not shown")
                .doesNotContain("not run here").doesNotContain("What this run could not show");
    }

    @Test
    void theTourSaysItCapturesInAPrivateNamespace() {
        assertThat(run("intro")).as(output).contains("packets: captured without root, in a private network namespace");
    }

    @Test
    void koreanHeadersPrintAsHangulWithoutAnyLocale() {
        String out = run("ch1-create");
        assertThat(out).as(out).contains("=== 소켓 생성 (").doesNotContain("?");
    }

    @Test
    void theHandshakeIsCapturedAndDrawn() {
        String out = run("ch2-packets");
        assertThat(out).as(out).containsPattern("packet  \\| \\d+ > \\d+ +SYN ")
                .containsPattern("packet  \\| \\d+ > \\d+ +SYN\\+ACK ").containsPattern("packet  \\| \\d+ > \\d+ +ACK ")
                .contains("ladder  | drawn from the 3 captured packet(s)")
                .doesNotContain("does NOT match").doesNotContain("packets not shown");
    }

    @Test
    void theRealLossStageShowsTheRetransmission() {
        String out = run("ch3-loss-drop-middle");
        assertThat(out).as(out).containsPattern("SEQ \\d+:\\d+ was sent 2 times")
                .contains("[retransmission]").contains("= the sender's (intact)")
                .as("who resent it, from this namespace's counters").contains("expects SACK recovery, resent before any timer: matches")
                .as("no trace for a normal user, said once").contains("readable by root only")
                .doesNotContain("does NOT match").doesNotContain("not run here");
    }
}
