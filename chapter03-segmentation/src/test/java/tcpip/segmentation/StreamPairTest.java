package tcpip.segmentation;

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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.ListeningPorts;
import tcpip.kernel.SocketTable;
import tcpip.testing.MainRunner;

/** The chapter on one screen keeps its word: one write() arrives as read()s that add up to it; a reset costs nothing. */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamPairTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Pattern READS = Pattern.compile(": (\\d+) bytes in (\\d+) read\\(\\) calls of \\[([\\d, ]+)\\] bytes");

    @Test
    void oneWriteArrivesAsReadsThatAddUpToItAndTheServerOutlivesAReset() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        List<String> command = new ArrayList<>(MainRunner.java());
        command.addAll(List.of(StreamServer.class.getName(), "--port", "0"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).as("first line, printed once it listens").startsWith("listening on");
            int port = ListeningPorts.of(p.pid()).orElseThrow();
            try (Socket reset = new Socket()) { // a client that resets at once: one line, the server goes on
                reset.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                reset.setSoLinger(true, 0);
            }
            MainRunner.Result r = MainRunner.runHere(WAIT, StreamClient.class, "--port", String.valueOf(port));
            assertThat(r.exitCode()).as("exit; stderr %s", r.stderr()).isZero();
            assertThat(r.stdout()).contains("one write() of 1048576 bytes");
            String line = out.readLine();
            while (line != null && !READS.matcher(line).find()) {
                line = out.readLine(); // the reset client's line (a reset, or 0 bytes) comes first
            }
            assertThat(line).as("the server's line for the client").isNotNull();
            Matcher m = READS.matcher(line);
            assertThat(m.find()).isTrue();
            long sum = Arrays.stream(m.group(3).split(", ")).mapToLong(Long::parseLong).sum();
            assertThat(Long.parseLong(m.group(1))).as("bytes read").isEqualTo(1L << 20).isEqualTo(sum);
            assertThat(Arrays.stream(m.group(3).split(", ")).mapToLong(Long::parseLong).max().orElseThrow())
                    .as("no read() takes more than the program's buffer").isLessThanOrEqualTo(StreamServer.BUFFER);
            assertThat(p.isAlive()).as("the server still runs").isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
