package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tcpip.testing.CourseClasspath;
import tcpip.testing.MainRunner;

/**
 * Every server survives running out of descriptors (EMFILE), run from classes or from jars: under
 * {@code prlimit --nofile=256:256}, with more idle clients than descriptors, it stays up, does not
 * spin, and serves again within two seconds (plus a busy machine's slack) once the clients leave.
 * On the code before this test, all four died: the first accept() failure loaded LogSafe or
 * Closeables for the first time, with no descriptor left to read the class file. Later, on JDK 21,
 * the virtual-thread servers stayed up but closed every client unanswered once the first handler had
 * run out of descriptors while loading ChannelDeadline or starting the JDK's poller (half the runs).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DescriptorExhaustionTest {

    static final int DESCRIPTORS = 256;
    static final int IDLE_CLIENTS = 300;
    static final Duration EXHAUSTED = Duration.ofSeconds(1);
    /** After its descriptors ran out, how long the threads the server started last may take to settle. */
    static final Duration SETTLE = Duration.ofMillis(500);
    static final Duration SERVES_AGAIN = Duration.ofSeconds(2);
    /** A scheduler on two busy cores: how late the server may still be. */
    static final Duration SLACK = Duration.ofSeconds(3);
    /** A loop that retries accept() at once uses a whole core; the back-off uses almost none. */
    static final double MAX_CPU_SHARE = 0.3;

    @ParameterizedTest(name = "{0} {1} from {2}")
    @CsvSource({"tcpip.echo.blocking.EchoServer, virtual, classes", "tcpip.echo.blocking.EchoServer, thread-per-client, classes",
            "tcpip.echo.nio.NioEchoServer, -, classes", "tcpip.echo.selector.SelectorEchoServer, -, classes",
            "tcpip.echo.blocking.EchoServer, virtual, jars", "tcpip.echo.nio.NioEchoServer, -, jars",
            "tcpip.echo.selector.SelectorEchoServer, -, jars"})
    void aServerOutOfDescriptorsStaysUpAndServesAgain(String main, String mode, String form, @TempDir Path tmp)
            throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isDirectory(Path.of("/proc/self")),
                "needs prlimit (util-linux) and /proc");
        List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=" + DESCRIPTORS + ":" + DESCRIPTORS));
        List<String> java = MainRunner.java();
        command.addAll(java.subList(0, java.indexOf("-cp")));
        command.addAll(List.of("-cp", CourseClasspath.of(form, tmp), main, "--port", "0", "--quiet"));
        if (!mode.equals("-")) {
            command.addAll(List.of("--mode", mode));
        }
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Socket> idle = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("the server's first line").contains(" listening on ");
            String at = first.substring(first.indexOf(" on ") + 4).split(" ")[0];
            int port = Integer.parseInt(at.substring(at.lastIndexOf(':') + 1));
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < IDLE_CLIENTS; i++) { // the kernel finishes every handshake: the queue holds 1,024
                Socket s = new Socket();
                s.connect(address, 10_000);
                idle.add(s);
            }
            awaitOutOfDescriptors(server.pid()); // it accepts (and starts threads) until EMFILE
            server.waitFor(SETTLE.toMillis(), TimeUnit.MILLISECONDS); // the last threads it started settle
            long cpuBefore = cpuTicks(server.pid());
            long start = System.nanoTime();
            server.waitFor(EXHAUSTED.toMillis(), TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(server.isAlive()).as("%s is still running out of descriptors; it printed: %s", main,
                    drain(out)).isTrue();
            double share = (cpuTicks(server.pid()) - cpuBefore) / 100.0 / seconds;
            assertThat(share).as("CPU share of %s while out of descriptors (a spinning accept() uses a core)", main)
                    .isLessThan(MAX_CPU_SHARE);
            idle.forEach(DescriptorExhaustionTest::closeQuietly);
            long back = System.nanoTime();
            byte[] hello = "after the exhaustion\n".getBytes(StandardCharsets.UTF_8);
            byte[] echo = null;
            List<String> tries = new ArrayList<>();
            while (echo == null && System.nanoTime() - back < SERVES_AGAIN.plus(SLACK).toNanos()) {
                try (Socket s = new Socket()) {
                    s.connect(address, 1_000);
                    s.setSoTimeout(1_000);
                    OutputStream o = s.getOutputStream();
                    // Two round trips: the server's read for the second one surely waits (its bytes are sent only
                    // once the first echo is in), and a first wait is where a virtual thread's poller starts.
                    for (int round = 0; round < 2; round++) {
                        o.write(hello);
                        echo = s.getInputStream().readNBytes(hello.length);
                        tries.add((System.nanoTime() - back) / 1_000_000 + " ms: round trip " + (round + 1) + " got "
                                + echo.length + " bytes");
                    }
                } catch (IOException e) {
                    tries.add((System.nanoTime() - back) / 1_000_000 + " ms: " + e);
                    echo = null; // not yet: try again
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - back);
            System.out.printf("%s %s from %s: served again %d ms after the idle clients left%n", main, mode, form,
                    took.toMillis());
            assertThat(echo).as("an echo from %s after the descriptors came back (an empty one: the server closed"
                    + " the connection unanswered); tries: %s", main, tries).isEqualTo(hello);
        } finally {
            idle.forEach(DescriptorExhaustionTest::closeQuietly);
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Waits (bounded by {@link #SLACK}) until the server holds nearly all the descriptors its limit allows. */
    private static void awaitOutOfDescriptors(long pid) throws IOException {
        Path fds = Path.of("/proc/" + pid + "/fd");
        long end = System.nanoTime() + SLACK.toNanos();
        while (System.nanoTime() < end) {
            try (Stream<Path> list = Files.list(fds)) {
                if (list.count() >= DESCRIPTORS - 4) {
                    return;
                }
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // polling the kernel's fd table, bounded above
        }
    }

    /** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String drain(BufferedReader out) {
        StringBuilder sb = new StringBuilder();
        try {
            while (out.ready() && sb.length() < 4000) {
                sb.append(out.readLine()).append(" | ");
            }
        } catch (IOException e) {
            // what we have is enough
        }
        return sb.toString();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
