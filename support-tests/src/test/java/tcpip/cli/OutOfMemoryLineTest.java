package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.MainRunner;

/**
 * Red-team finding: a size the options accept but the heap cannot hold ({@code java -Xmx64m ... WriteBurstClient
 * --size 1G}) printed "Exception in thread main java.lang.OutOfMemoryError" and its stack. {@link Cli#run} now
 * turns it into one line that gives the heap's size and what to do, and exit 1, like any other failure.
 */
@Timeout(60)
class OutOfMemoryLineTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** A main like the course's clients: a --bytes size, then one array (or many chunks) of that size. */
    public static final class Hungry {
        public static void main(String[] args) {
            Lang.chooseFrom(args);
            Cli cli = new Cli("Hungry", "allocates --bytes");
            Cli.Option<Long> bytes = cli.sizeOption("--bytes", 1024, 1, 1L << 30, "how much");
            Cli.Option<Boolean> chunks = cli.flag("--chunks", "in 1 MiB chunks, all kept");
            cli.parse(args);
            cli.run(() -> {
                if (chunks.get()) {
                    List<byte[]> kept = new ArrayList<>();
                    for (long n = 0; n < bytes.get(); n += 1 << 20) {
                        kept.add(new byte[1 << 20]);
                    }
                    System.out.println(kept.size());
                } else {
                    System.out.println(new byte[Math.toIntExact(bytes.get())].length);
                }
            });
        }
    }

    private static MainRunner.Result runWithHeap(String xmx, String... args) throws Exception {
        List<String> cmd = MainRunner.java();
        cmd.add(cmd.indexOf("-cp"), xmx); // after every flag the build gives child JVMs: the last -Xmx wins
        cmd.add(Hungry.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        p.getOutputStream().close();
        boolean done = p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        return new MainRunner.Result(done ? p.exitValue() : -1, out.join(), err.join());
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, MainRunner.OWN_THREAD);
    }

    @Test
    void oneArrayTooBigForTheHeapIsOneLineAndExitOne() throws Exception {
        assertOneLine(runWithHeap("-Xmx16m", "--bytes", "64M"),
                "Hungry: not enough memory: this JVM's heap holds at most 1\\d MiB ");
    }

    @Test
    void aHeapFilledChunkByChunkIsOneLineAndExitOne() throws Exception {
        assertOneLine(runWithHeap("-Xmx16m", "--chunks", "--bytes", "64M"),
                "Hungry: not enough memory: this JVM's heap holds at most 1\\d MiB ");
    }

    @Test
    void theLineIsKoreanWithLangKo() throws Exception {
        assertOneLine(runWithHeap("-Xmx16m", "--lang", "ko", "--bytes", "64M"),
                "Hungry: 메모리가 모자랍니다: 이 JVM의 힙은 최대 1\\d MiB입니다 ");
    }

    private static void assertOneLine(MainRunner.Result r, String pattern) {
        assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isEqualTo(Cli.EXIT_FAILURE);
        assertThat(r.stderr().strip().lines().count()).as("one line on stderr:%n%s", r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ")
                .doesNotContain("OutOfMemoryError").containsPattern("^" + pattern).contains("-Xmx");
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aSizeThatFitsRunsAsBefore() throws Exception {
        MainRunner.Result r = runWithHeap("-Xmx16m", "--bytes", "1M");
        assertThat(r.exitCode()).as("exit code (stderr: %s)", r.stderr()).isZero();
        assertThat(r.stdout().strip()).isEqualTo(String.valueOf(1 << 20));
        assertThat(r.stderr()).isEmpty();
    }
}
