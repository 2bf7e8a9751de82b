package tcpip.close.timewait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.MainRunner;

/**
 * Issue 12 item 18: the three TIME_WAIT myths, checked live in a namespace the program makes
 * itself (root only). Numbers are read back from the kernel rows it printed; no 60 s wait.
 */
@Timeout(90)
class TimeWaitMythsTest {

    private static final Pattern FIN_WAIT2 = Pattern.compile("FIN_WAIT2 .* timer=tcp_fin_timeout\\((\\d+\\.\\d+)s left\\)");
    private static final Pattern TIME_WAIT = Pattern.compile("TIME_WAIT .* timer=TIME_WAIT\\((\\d+\\.\\d+)s left\\)");
    private static final int FIN_TIMEOUT = 5;
    /** Well above tcp_fin_timeout, well below Linux's 60 s: what a TIME_WAIT row shows right after it began. */
    private static final double TIME_WAIT_AT_LEAST = 50;

    private static double timer(Pattern p, String out) {
        Matcher m = p.matcher(out);
        assertThat(m.find()).as("a row matching %s in:%n%s", p, out).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static List<String> hostSysctls() throws Exception {
        Path ipv4 = Path.of("/proc/sys/net/ipv4");
        return List.of(Files.readAllLines(ipv4.resolve("tcp_fin_timeout")).get(0),
                Files.readAllLines(ipv4.resolve("tcp_tw_reuse")).get(0),
                Files.readAllLines(ipv4.resolve("ip_local_port_range")).get(0));
    }

    @Test
    void finTimeoutDoesNotShortenTimeWaitRecycleIsGoneAndReuseHelpsOnlyOutgoingConnections() throws Exception {
        String why = TimeWaitMyths.whyNot();
        assumeTrue(why == null, why);
        List<String> before = hostSysctls();

        MainRunner.Result r = MainRunner.run(Duration.ofSeconds(60), TimeWaitMyths.class, "--quick",
                "--fin-timeout", String.valueOf(FIN_TIMEOUT));

        String out = r.stdout();
        assertThat(r.exitCode()).as("exit code; stdout:%n%s%nstderr:%n%s", out, r.stderr()).isZero();
        assertThat(out).doesNotContain("does NOT match");
        assertThat(timer(FIN_WAIT2, out)).as("the FIN_WAIT2 orphan's timer right after entry")
                .isPositive().isLessThanOrEqualTo(FIN_TIMEOUT);
        assertThat(timer(TIME_WAIT, out)).as("the TIME_WAIT timer right after entry, with tcp_fin_timeout=%d", FIN_TIMEOUT)
                .isGreaterThan(TIME_WAIT_AT_LEAST);
        assertThat(out).contains("tcp_tw_recycle does not exist")
                .contains("without SO_REUSEADDR, tcp_tw_reuse=1: BindException: Address already in use")
                .contains("tcp_tw_reuse=0: a new outgoing connect() failed")
                .contains("tcp_tw_reuse=1: a new outgoing connect() got port");
        assertThat(hostSysctls()).as("the host's own sysctls are untouched").isEqualTo(before);
    }
}
