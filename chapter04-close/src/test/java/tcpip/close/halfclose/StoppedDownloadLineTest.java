package tcpip.close.halfclose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.testing.MainRunner;

/**
 * Red-team finding: stopped by SIGTERM mid-transfer, the client removed its {@code .part} file and kept the old
 * target (right) but said nothing. Now one line on stderr says it was stopped and what was kept.
 */
@Timeout(60)
class StoppedDownloadLineTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PRECIOUS = "an existing file the user cares about\n";

    @TempDir
    Path downloads;
    @TempDir
    Path logs;

    private List<String> parts() throws IOException {
        try (Stream<Path> s = Files.list(downloads)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).toList();
        }
    }

    private boolean partHolds(long bytes) throws IOException {
        for (String p : parts()) {
            try {
                if (Files.size(downloads.resolve(p)) >= bytes) {
                    return true;
                }
            } catch (IOException gone) {
                // deleted meanwhile
            }
        }
        return false;
    }

    @Test
    void sigtermMidTransferSaysWhatWasKept() throws Exception {
        stopMidTransfer("en", "HalfCloseFileClient: stopped: the partial download was removed; '",
                "slow.bin' was left as it was");
    }

    @Test
    void sigtermMidTransferSaysWhatWasKeptInKorean() throws Exception {
        stopMidTransfer("ko", "HalfCloseFileClient: 중지되었습니다: 받던 부분 파일은 지웠고, '",
                "slow.bin'은(는) 그대로 두었습니다");
    }

    private void stopMidTransfer(String lang, String... words) throws Exception {
        Path target = Files.writeString(downloads.resolve("slow.bin"), PRECIOUS);
        Path stderr = logs.resolve("stderr.txt");
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket slow = new ServerSocket()) {
            slow.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Void> stall = TestFiles.stallMidTransfer(slow, done);
            List<String> cmd = MainRunner.java();
            cmd.addAll(List.of(HalfCloseFileClient.class.getName(), "--lang", lang,
                    "--port", String.valueOf(slow.getLocalPort()), "--file", "slow.bin",
                    "--out", target.toString(), "--timeout", "30s"));
            // destroy() closes this side of the pipes: stderr goes to a file read afterwards
            Process client = new ProcessBuilder(cmd).redirectErrorStream(false)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
            try {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!partHolds(1000) && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
                assertThat(partHolds(1000)).as("the client wrote the first bytes to its .part file").isTrue();
                client.destroy(); // SIGTERM: the shutdown hook runs
                assertThat(client.waitFor(20, TimeUnit.SECONDS)).as("the client stopped").isTrue();
                assertThat(client.exitValue()).isNotZero();
            } finally {
                done.countDown();
                client.destroyForcibly();
                stall.get(10, TimeUnit.SECONDS);
            }
        }
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(err.strip().lines().count()).as("one line on stderr:%n%s", err).isEqualTo(1);
        assertThat(err).contains("HalfCloseFileClient").contains(words)
                .doesNotContain("Exception");
        assertThat(parts()).as("the shutdown hook deleted the .part file").isEmpty();
        assertThat(Files.readString(target)).isEqualTo(PRECIOUS);
    }
}
