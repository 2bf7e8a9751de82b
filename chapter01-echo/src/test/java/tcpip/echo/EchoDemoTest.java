package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.narration.Narrator;
import tcpip.narration.Stage;
import tcpip.narration.Stages;
import tcpip.kernel.SocketTable;
import tcpip.testing.MainRunner;

/**
 * The narrated demo runs to its end and shows the states and numbers it promises. The program runs once, in its own
 * JVM as a learner starts it, and both tests read that run; each stage also runs alone, in this JVM.
 */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EchoDemoTest {

    /** The one run of {@code EchoDemo --no-pause}, started by the first test that needs it. */
    private static final class DemoRun {
        static final MainRunner.Result RESULT = MainRunner.run(Duration.ofSeconds(30), EchoDemo.class, "--no-pause");
    }

    @Test
    void theDemoShowsTheWholeCycle() {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        String text = DemoRun.RESULT.stdout();
        assertThat(text).as("EchoDemo --no-pause (exit %d, stderr: %s)", DemoRun.RESULT.exitCode(), DemoRun.RESULT.stderr())
                .containsSubsequence("소켓 생성", "socket:[", "LISTEN",
                "소켓 연결 설정", "chosen by the kernel", "ESTABLISHED", "inode=0", "fd ",
                "데이터 송수신", "rx_queue=14", "received 14 back",
                "소켓 연결 종료", "FIN_WAIT2", "CLOSE_WAIT", "read() returned -1", "TIME_WAIT", "s left",
                "blocking read()", "thread-per-client", "SelectorEchoServer", "selector +", "matches: a platform thread per blocking connection");
        assertThat(text).as("the real core lines, not a paraphrase").contains("code    | EchoCore.java [echo]")
                .contains("in.read(buffer)").contains("code    | SelectorEchoCore.java [echo]");
    }

    @Test
    void everyStageRunsOnItsOwn() throws Exception {
        for (Stage stage : EchoDemo.stages()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Stages.run(java.util.List.of(stage), new Narrator(new PrintStream(out, true, StandardCharsets.UTF_8)),
                    false);
            assertThat(out.toString(StandardCharsets.UTF_8)).as("stage %s", stage.name())
                    .contains(stage.articleSection()).contains("code    | ");
        }
    }

    @Test
    void theDemoProgramRunsToItsEnd() {
        MainRunner.Result r = DemoRun.RESULT;
        assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isZero();
        assertThat(r.stdout()).contains("ESTABLISHED").contains("TIME_WAIT");
    }

    @Test
    void theFinWait2TimerIsCheckedAgainstTheSysctlAndCanFail() throws Exception {
        assumeTrue(tcpip.kernel.Sysctl.number(EchoDemo.FIN_TIMEOUT).isPresent(), "needs /proc/sys/net/ipv4/tcp_fin_timeout");
        long finTimeout = tcpip.kernel.Sysctl.number(EchoDemo.FIN_TIMEOUT).orElseThrow();
        assertThat(EchoDemo.finWaitTimer(Duration.ofMillis(finTimeout * 1000 - 40))).contains("is net.ipv4.tcp_fin_timeout")
                .doesNotContain("does NOT match");
        assertThat(EchoDemo.finWaitTimer(Duration.ofSeconds(finTimeout + 30))).contains("does NOT match");
    }
}
