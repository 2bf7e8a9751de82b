package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tcpip.segmentation.framing.LengthPrefixServer;
import tcpip.segmentation.loss.LossLab;
import tcpip.segmentation.throughput.BulkSender;
import tcpip.testing.MainRunner;

/**
 * Issue 17: {@code --lang ko --help} is Korean in the summary and in every option's line, and a bad
 * argument gives one Korean line with exit 2. A server (the shared ServerOptions), a client and the
 * root-only lab are run (in this JVM: MainRunner.runHere); MessagesBundleTest checks every main's sources.
 */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(60)
class KoreanCommandLineTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {LengthPrefixServer.class, BulkSender.class, LossLab.class})
    void helpIsKorean(Class<?> main) {
        MainRunner.Result help = MainRunner.runHere(LIMIT, main, "--lang", "ko", "--help");
        assertThat(help.exitCode()).as("exit code (stderr: %s)", help.stderr()).isZero();
        List<String> lines = help.stdout().lines().toList();
        assertThat(lines.get(1)).as("the summary").containsPattern("[가-힣]");
        List<String> options = lines.stream().filter(l -> l.startsWith("  -")).toList();
        assertThat(options).hasSizeGreaterThan(2);
        options.forEach(l -> assertThat(l).as("option line").containsPattern("[가-힣]"));
    }

    @Test
    void aBadArgumentIsOneKoreanLineWithExit2() {
        MainRunner.Result r = MainRunner.runHere(LIMIT, tcpip.segmentation.framing.LineClient.class, "--lang", "ko", "--lines",
                "0");
        assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isEqualTo(2);
        assertThat(r.stderr().strip().lines().count()).isEqualTo(1);
        assertThat(r.stderr()).containsPattern("[가-힣]").contains("--lines").doesNotContain("\tat ");
    }
}
