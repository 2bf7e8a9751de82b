package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import tcpip.testing.DescriptorExhaustion.Log;
import tcpip.testing.DescriptorExhaustion.Probe;
import tcpip.testing.DescriptorExhaustion.Server;

/**
 * One server in a JVM of its own under {@code prlimit --nofile=N:4096}, as the red team ran them, for what
 * {@link DescriptorExhaustion}'s shared host cannot show: a server that serves one client at a time (a flood
 * of idle clients waits in the kernel's queue and never uses its descriptors up), and a first client served
 * with no descriptor to spare (a JVM-wide failure such as the virtual-thread poller's stays for good, and the
 * shared host would have started the poller for an earlier server). The soft limit is moved while the server
 * runs ({@code prlimit --pid}): {@link #starve} lowers it to the descriptors in use, {@link #raise} lifts it.
 *
 * <pre>{@code
 * try (StarvedServer s = StarvedServer.start("classes", tmp, server, 64)) {
 *     s.starve(0);   // accept() now fails with EMFILE
 *     ...
 *     s.raise();
 *     s.awaitServed();
 * }
 * }</pre>
 */
public final class StarvedServer implements AutoCloseable {

    /** The hard limit: the soft one may be raised up to it while the server runs. */
    public static final int HARD = 4096;
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START = Duration.ofSeconds(30);

    private final Process process;
    private final Server server;
    private final Log log = new Log();
    private final InetSocketAddress address;
    private final Thread reader;

    private StarvedServer(Process process, Server server) throws IOException {
        this.process = process;
        this.server = server;
        this.reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    log.lines.add(line);
                }
            } catch (IOException e) {
                // the server ended: its lines so far are kept
            }
        });
        this.address = awaitReady();
    }

    /**
     * {@code server} started from the course's {@code form} ("classes" or "jars") under
     * {@code prlimit --nofile=soft:4096}; returns once it printed its ready line or ended ({@link #refused}).
     */
    public static StarvedServer start(String form, Path tmp, Server server, int soft) throws IOException {
        Files.createDirectories(tmp.resolve(form));
        return start(CourseClasspath.of(form, tmp.resolve(form)), server, soft);
    }

    private static StarvedServer start(String classpath, Server server, int soft) throws IOException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=" + soft + ":" + HARD));
        List<String> java = MainRunner.java();
        command.addAll(java.subList(0, java.indexOf("-cp")));
        command.add("-XX:-MaxFDLimit"); // else the JVM raises its own soft limit to the hard one at start
        command.addAll(List.of("-cp", classpath, server.main()));
        command.addAll(server.args());
        return new StarvedServer(new ProcessBuilder(command).redirectErrorStream(true).start(), server);
    }

    private InetSocketAddress awaitReady() {
        long end = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < end) {
            for (String line : log.lines()) {
                int at = line.indexOf(server.ready());
                Matcher m = at < 0 ? null : LOOPBACK.matcher(line.substring(at));
                if (m != null && m.find()) {
                    return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
                }
            }
            if (!process.isAlive()) {
                waitForOutput();
                return null;
            }
            LockSupport.parkNanos(DescriptorExhaustion.POLL.toNanos());
        }
        throw new AssertionError(server.main() + " printed no ready line in " + START.toSeconds() + " s: " + log.lines());
    }

    /** Waits (bounded) until the ended process's output has been read to its end. */
    private void waitForOutput() {
        try {
            reader.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True if the server ended before it listened: then it must have said why in one line, exit status 1. */
    public boolean refused() {
        return address == null;
    }

    /**
     * Asserts that a server that did not start said why without a stack trace, exit status 1: in one line
     * ({@code Preload.CannotServe}), or, with fewer descriptors still, in the JVM launcher's two ("Error: Unable
     * to initialize main class ..." and its cause: the main class itself could not be linked).
     */
    public void assertRefusedInOneLine() throws InterruptedException {
        List<String> lines = refusal();
        boolean launcher = lines.size() == 2 && lines.get(0).startsWith("Error: Unable to initialize main class");
        assertThat(lines.size() == 1 || launcher).as("%s refused to start in one line: %s", server.main(), lines).isTrue();
        assertThat(lines).as("no stack trace").noneMatch(l -> l.contains("\tat ") || l.contains("Exception in thread"));
        assertThat(process.exitValue()).as("exit status; lines %s", lines).isEqualTo(1);
    }

    /** The output of a server that ended before it listened (non-zero exit asserted). */
    private List<String> refusal() throws InterruptedException {
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        List<String> lines = log.lines().stream().filter(l -> !l.isBlank()).toList();
        assertThat(process.exitValue()).as("%s ended before it listened; lines %s", server.main(), lines).isNotZero();
        return lines;
    }

    /** The address the server listens on. */
    public InetSocketAddress address() {
        return address;
    }

    /** The server's output, every line. */
    public Log log() {
        return log;
    }

    /**
     * Lowers the soft limit to the lowest free descriptor number plus {@code spare}: with {@code 0}, every
     * open() and accept() fails with EMFILE; with {@code 1}, accept() takes the last one and the handler has none.
     */
    public void starve(int spare) throws IOException, InterruptedException {
        prlimit(lowestFree() + spare);
    }

    /** Gives the server its descriptors back (soft limit 4096). */
    public void raise() throws IOException, InterruptedException {
        prlimit(HARD);
    }

    private void prlimit(int soft) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/prlimit", "--pid", String.valueOf(process.pid()),
                "--nofile=" + soft + ":" + HARD).redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("prlimit --pid ended").isTrue();
        assertThat(p.exitValue()).as("prlimit --pid: %s", new String(p.getInputStream().readAllBytes())).isZero();
    }

    /** The lowest descriptor number the server has not open: the kernel's next open() would use it. */
    private int lowestFree() throws IOException {
        Set<Integer> open;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
            open = fds.map(f -> Integer.parseInt(f.getFileName().toString())).collect(Collectors.toSet());
        }
        int n = 0;
        while (open.contains(n)) {
            n++;
        }
        return n;
    }

    /** The share of one core the whole server process used over {@code window} (utime + stime). */
    public double cpuShare(Duration window) throws IOException, InterruptedException {
        long before = ticks();
        long start = System.nanoTime();
        process.waitFor(window.toMillis(), TimeUnit.MILLISECONDS); // a measuring window, not a synchronisation
        return (ticks() - before) / 100.0 / ((System.nanoTime() - start) / 1e9);
    }

    private long ticks() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** Asserts the server process still runs. */
    public void assertRunning() {
        assertThat(process.isAlive()).as("%s still runs; its lines: %s", server.main(), log.lines()).isTrue();
    }

    /**
     * Asks {@link Server#probe} until the server serves, at most {@link DescriptorExhaustion#SERVES_AGAIN} plus a
     * busy machine's slack; asserts it did. Returns how long it took.
     */
    public Duration awaitServed() {
        long start = System.nanoTime();
        List<String> tries = new ArrayList<>();
        boolean served = false;
        Duration limit = DescriptorExhaustion.SERVES_AGAIN.plus(DescriptorExhaustion.SLACK);
        while (!served && System.nanoTime() - start < limit.toNanos()) {
            try {
                served = server.probe().served(address, log);
                tries.add((System.nanoTime() - start) / 1_000_000 + " ms: " + (served ? "served" : "not yet"));
            } catch (IOException e) {
                tries.add((System.nanoTime() - start) / 1_000_000 + " ms: " + e);
            }
            LockSupport.parkNanos(served ? 0 : DescriptorExhaustion.POLL.toNanos());
        }
        assertRunning();
        assertThat(served).as("%s serves; tries: %s; its lines: %s", server.main(), tries, log.lines()).isTrue();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * emfile_spin.sh for a server that serves one client at a time: the soft limit lowered to the descriptors
     * in use and two clients queued, accept() fails with EMFILE. The server must stay up, log a line holding
     * {@code words} once for the episode, use almost no CPU (a loop retrying at once used a whole core and
     * logged 137,000 to 230,000 lines a second), and serve within 2 s (plus slack) once the limit is back up.
     */
    public void assertBacksOffOnceAndServesAgain(String words) throws Exception {
        starve(0);
        List<Socket> queued = new ArrayList<>();
        try {
            // An accept() already waiting in the kernel took its descriptor before the limit dropped: the first
            // client still gets in. It is served and leaves; from then on accept() fails with EMFILE.
            try {
                server.probe().served(address, log);
            } catch (IOException e) {
                // served or not, its descriptor is the server's to close
            }
            for (int i = 0; i < 2; i++) { // the kernel completes their handshakes: they wait in the accept queue
                Socket s = new Socket();
                queued.add(s);
                s.connect(address, 1_000);
            }
            assertThat(log.await(Duration.ofSeconds(5), words)).as("%s logged the failed accept(): %s", server.main(),
                    log.lines()).isTrue();
            List<String> shares = new ArrayList<>();
            boolean quiet = false;
            for (int window = 0; window < DescriptorExhaustion.WINDOWS && !quiet; window++) {
                double share = cpuShare(DescriptorExhaustion.MEASURED);
                shares.add(String.format("%.2f", share));
                quiet = share < DescriptorExhaustion.MAX_CPU_SHARE;
            }
            assertRunning();
            assertThat(quiet).as("CPU share of %s while accept() fails, in %d ms windows: %s", server.main(),
                    DescriptorExhaustion.MEASURED.toMillis(), shares).isTrue();
        } finally {
            if (process.isAlive()) { // a server that died: the assertion above says so, not prlimit
                raise();
            }
            for (Socket s : queued) {
                s.setSoLinger(true, 0); // RST: no TIME_WAIT left behind
                s.close();
            }
        }
        awaitServed();
        assertThat(log.lines().stream().filter(l -> l.contains(words)).count()).as("lines with '%s': one per episode",
                words).isEqualTo(1);
    }

    /**
     * The red team's sticky-failure check (ncdfe_sticky.sh, sticky_all.sh) for {@code server}: started under
     * {@code --nofile=N:4096}, N walking from the guess {@code from} down while it listens and up while it does not,
     * to the lowest N it listens with; one below, it must refuse in one line. At that lowest N it is starved so that
     * accept() takes the last descriptor and the handler has none; a first client sends {@code firstSends} and
     * leaves; the limit goes back up, and two clients in a row must be served. Before, the server listened at a
     * limit too low to load what serving needs, and the starved first use failed a class resolution, a class
     * initialisation or the virtual-thread poller's start, which the JVM never retries: every later client failed
     * too. A guess near the boundary keeps the JVMs started to two or three (each costs a second of CPU).
     */
    public static void assertNoStickyFailure(String form, Path tmp, Server server, int from, byte[] firstSends)
            throws Exception {
        Files.createDirectories(tmp.resolve(form));
        String classpath = CourseClasspath.of(form, tmp.resolve(form));
        StarvedServer below = null; // the server at the highest limit it refused, closed
        int refusedAt = -1;
        int listensAt = Integer.MAX_VALUE; // the lowest limit it listened with so far
        int soft = from;
        for (int tries = 0; tries < SCAN && soft > 0; tries++) {
            StarvedServer s = start(classpath, server, soft);
            if (s.refused()) {
                s.refusal(); // far below its needs the JVM itself may fail anywhere: not listening is what counts
                if (soft > refusedAt) {
                    below = s;
                    refusedAt = soft;
                }
                s.close();
                soft++;
                continue;
            }
            if (soft == refusedAt + 1) { // the boundary: it listens here and refused one below (or nothing below 1)
                try (s) {
                    System.out.printf("%s listens with --nofile=%d (refused below): its first client starved%n",
                            server.main(), soft);
                    if (below != null) {
                        below.assertRefusedInOneLine(); // one descriptor short: the server says why in one line
                    }
                    s.starvedFirstClientThenServed(firstSends);
                    return;
                }
            }
            s.close();
            listensAt = Math.min(listensAt, soft);
            soft = refusedAt >= 0 && refusedAt == listensAt - 1 ? listensAt : soft - 1; // boundary known: start there
        }
        throw new AssertionError(server.main() + " found no lowest --nofile near " + from + " in " + SCAN + " starts");
    }

    /** How many JVMs {@link #assertNoStickyFailure} starts at most. */
    static final int SCAN = 16;

    private void starvedFirstClientThenServed(byte[] firstSends) throws Exception {
        starve(1);
        try (Socket first = new Socket()) {
            first.connect(address, 1_000);
            first.getOutputStream().write(firstSends);
            first.setSoTimeout(1_000);
            try {
                first.getInputStream().read(new byte[256]); // the server's answer, its close, or a second of nothing
            } catch (IOException e) {
                // reset or no answer: the server's handler failed while starved, as it may
            }
        }
        raise();
        awaitServed();
        awaitServed(); // a second, later client: a failure cached for good would fail it too
    }

    /**
     * For a probe: writes {@code first}, waits (bounded) until the server has read it (its end's receive queue
     * in /proc/net/tcp is empty), then writes {@code rest}. The server's next read then most likely waits for
     * data, which is where a virtual thread needs the JDK's poller: bytes that are all there at once are read
     * without it, and a poller broken for good would go unnoticed.
     */
    public static void sendInTwoParts(Socket s, byte[] first, byte[] rest) throws IOException {
        s.getOutputStream().write(first);
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end && serverQueue(s) > 0) {
            LockSupport.parkNanos(DescriptorExhaustion.POLL.toNanos());
        }
        s.getOutputStream().write(rest);
    }

    /** Bytes waiting in the server end's receive queue of {@code s}'s connection (-1: no such row). */
    private static long serverQueue(Socket s) throws IOException {
        String local = String.format(":%04X ", s.getPort());
        String remote = String.format(":%04X ", s.getLocalPort());
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 4 && (f[1] + " ").endsWith(local) && (f[2] + " ").endsWith(remote)) {
                    return Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16);
                }
            }
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
