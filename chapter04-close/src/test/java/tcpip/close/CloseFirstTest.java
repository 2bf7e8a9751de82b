package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.ListeningPorts;
import tcpip.kernel.SocketTable;
import tcpip.testing.MainRunner;

/** The chapter on one screen keeps its word: the server closes first and keeps the TIME_WAIT; a reset costs it nothing. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseFirstTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void theClientReadsTheServersFinAndSeesTheTimeWaitOnTheServersSide() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        List<String> command = new ArrayList<>(MainRunner.java());
        command.addAll(List.of(CloseFirstServer.class.getName(), "--port", "0"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("first line, printed once it listens").startsWith("listening on");
            int port = ListeningPorts.of(p.pid()).orElseThrow();
            try (Socket reset = new Socket()) { // a client that resets at once: one line, the server goes on
                reset.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                reset.setSoLinger(true, 0);
            }
            MainRunner.Result r = MainRunner.runHere(WAIT, CloseSecondClient.class, "--port", String.valueOf(port));
            assertThat(r.exitCode()).as("exit; stderr %s", r.stderr()).isZero();
            assertThat(r.stdout()).contains("read() returned -1").contains("close() second")
                    .containsPattern("127\\.0\\.0\\.1:" + port + " +-> 127\\.0\\.0\\.1:\\d+ +TIME_WAIT");
            assertThat(p.isAlive()).as("the server still runs").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
