package tcpip.close;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tcpip.testing.DescriptorExhaustion;
import tcpip.testing.MainRunner;

/**
 * Each server of the chapter, run from target/classes in a JVM of its own, is starved at its first client: once it
 * listens, its soft descriptor limit is lowered ({@code prlimit --pid}) to leave exactly one descriptor free, the one
 * accept() takes, so whatever its handler loads or opens for the first time then fails. Then the limit is raised
 * again, and a new client must be served within {@link DescriptorExhaustion#SERVES_AGAIN} (plus a busy machine's
 * slack): the JVM remembers a class that failed to load or initialise for good (JVMS 5.4.3), so a server that had
 * not loaded (and initialised) its connection path before accepting failed every later client the same way (a red
 * team: "NoClassDefFoundError: tcpip/close/orderly/OrderlyCloseCore", "Could not initialize class ..."). Lowering the
 * limit after the ready line starves the first client on any JDK (a fixed {@code prlimit --nofile=N} at start depends
 * on how many descriptors the JVM itself opened). CloseFirstServer is also run with no descriptor free at all: its
 * accept() fails with EMFILE, and it must back off, not end (it exited 1) nor spin.
 * <p>
 * DescriptorExhaustion (course-testing) cannot do this: it floods a shared host with idle clients and gives no way
 * to change the host's limit; CloseFirstServer closes each client at once, so idle clients never use it up.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StarvedServersTest {

    /** The hard limit the servers run under: the soft one can be raised back to it without privileges. */
    static final int HARD = 4096;
    static final Duration READY = Duration.ofSeconds(60);
    static final Duration ANSWER = Duration.ofSeconds(10);
    static final Duration POLL = Duration.ofMillis(5);
    static final Duration MEASURED = Duration.ofMillis(400);
    static final int WINDOWS = 12;
    static final double MAX_CPU_SHARE = 0.3;
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    /** What a class that could not be loaded or initialised looks like in a log line. */
    private static final List<String> STICKY = List.of("NoClassDefFoundError", "Could not initialize class",
            "ExceptionInInitializerError", "MissingResourceException");
    /** A Java class's name (java.io.UncheckedIOException), or an exception's or error's simple name. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z]+\\.[a-z]+\\.[A-Z]\\w*|\\w+(Exception|Error)\\b");

    /** How a client asks the server for something and tells whether it was served. */
    @FunctionalInterface
    interface Probe {
        boolean served(InetSocketAddress at, Starved server) throws IOException;
    }

    @Test
    void everyServerStarvedAtItsFirstClientServesAgainOnceDescriptorsComeBack(@TempDir Path tmp) throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("a.txt"), "hi");
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Callable<Void>> servers = new ArrayList<>();
        servers.add(() -> starveAndFeed("tcpip.close.halfclose.HalfCloseFileServer",
                List.of("--root", root.toString()), "a.txt\n",
                (at, s) -> answer(at, "a.txt\n").startsWith("OK 2\nhi"), problems));
        servers.add(() -> starveAndFeed("tcpip.close.reset.ClosedPeerServer", List.of(), "hello",
                (at, s) -> closedWithLine(at, s, "hello", "FIN to"), problems));
        servers.add(() -> starveAndFeed("tcpip.close.orderly.OrderlyCloseServer", List.of(), "",
                (at, s) -> closedWithLine(at, s, "", "accept() -> "), problems));
        servers.add(() -> starveAndFeed("tcpip.close.reset.LingerServer", List.of("--bytes", "1000"), "",
                (at, s) -> !answer(at, "").isEmpty(), problems));
        servers.add(() -> starveAndFeed("tcpip.close.CloseFirstServer", List.of(), "",
                (at, s) -> closedWithLine(at, s, "", "first"), problems));
        servers.add(() -> starveAndFeed("tcpip.close.timewait.TimeWaitRestartServer", List.of("--connections", "1"), "",
                (at, s) -> answer(at, "").length() == 4, problems));
        // Three at a time: each is a JVM of its own, and the waits (accept(), the client's answer) overlap.
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (Future<Void> f : pool.invokeAll(servers)) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).as("servers that did not serve again").isEmpty();
    }

    /**
     * CloseFirstServer with no descriptor free: accept() fails (EMFILE) while a client waits in the queue. It must
     * stay up, back off (not spin) and serve that client and a new one once descriptors come back.
     */
    @Test
    void closeFirstServerOutOfDescriptorsBacksOffAndServesAgain() throws Exception {
        assumeTrue(DescriptorExhaustion.available(), "needs prlimit (util-linux) and /proc");
        try (Starved s = Starved.start("tcpip.close.CloseFirstServer", List.of("--port", "0"))) {
            InetSocketAddress at = s.awaitAddress(0, "");
            s.starve(0);
            try (Socket queued = new Socket()) {
                queued.connect(at, 5_000); // the kernel finishes the handshake: the connection waits for accept()
                assertThat(s.await(ANSWER, 0, "backing off")).as("a back-off line; lines: %s", s.lines()).isTrue();
                List<String> shares = new ArrayList<>();
                boolean quiet = false;
                for (int w = 0; w < WINDOWS && !quiet && s.alive(); w++) {
                    quiet = s.cpuShare(shares) < MAX_CPU_SHARE;
                }
                assertThat(s.alive()).as("CloseFirstServer runs; lines: %s", s.lines()).isTrue();
                assertThat(quiet).as("CPU share while out of descriptors, in %d ms windows: %s (a spinning accept()"
                        + " uses a core)", MEASURED.toMillis(), shares).isTrue();
                s.feed();
                Duration took = s.servedAgain(at, (a, srv) -> closedWithLine(a, srv, "", "first"));
                assertThat(took).as("served again after descriptors came back; lines: %s", s.lines()).isNotNull();
                queued.setSoTimeout((int) ANSWER.toMillis());
                assertThat(queued.getInputStream().read()).as("the queued client was closed first").isEqualTo(-1);
            }
        }
    }

    /**
     * Starts {@code main}, starves its first client (which sends {@code request}), gives the descriptors back and
     * asks {@code probe}; what went wrong goes to {@code problems}. LingerServer's starved lines must be plain
     * sentences (it logged "IOException: java.util.MissingResourceException: ..."); the other servers' failure
     * lines are AcceptLoop's, which name the exception's simple type by design.
     */
    private static Void starveAndFeed(String main, List<String> args, String request, Probe probe,
            List<String> problems) throws Exception {
        boolean plain = main.endsWith("LingerServer");
        List<String> all = new ArrayList<>(List.of("--port", "0"));
        all.addAll(args);
        try (Starved s = Starved.start(main, all)) {
            InetSocketAddress at = s.awaitAddress(0, "");
            if (main.endsWith("TimeWaitRestartServer")) { // serves once, restarts on the same port: ready after that
                int from = s.lines().size();
                answer(at, "");
                at = s.awaitAddress(from, "restarted");
            }
            s.starve(1);
            int from = s.lines().size();
            answer(at, request); // until the server closes: its handler ended, starved
            if (!s.alive()) {
                problems.add(main + " ended while starved: " + s.lines().subList(from, s.lines().size()));
                return null;
            }
            s.feed();
            int fed = s.lines().size();
            Duration took = s.servedAgain(at, probe);
            List<String> starved = s.lines().subList(from, fed);
            List<String> now = s.lines();
            List<String> after = now.subList(fed, Math.min(now.size(), fed + 6)); // the first few: the rest repeat
            if (took == null || !s.alive()) {
                problems.add(main + " was not served again; starved: " + starved + "; after: " + after);
            } else if (after.stream().anyMatch(l -> STICKY.stream().anyMatch(l::contains))) {
                problems.add(main + " served, but: " + after);
            } else if (plain && starved.stream().anyMatch(l -> CLASS_NAME.matcher(l).find() && !l.contains("accept()"))) {
                problems.add(main + ": a starved client's line names a Java class: " + starved);
            } else {
                System.out.printf("%s: starved %s, served again %d ms after%n", main, starved, took.toMillis());
            }
        }
        return null;
    }

    /** Sends {@code request}, half-closes, reads until the server closes (or resets); what came back. */
    static String answer(InetSocketAddress at, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(at, 5_000);
            s.setSoTimeout((int) ANSWER.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            StringBuilder got = new StringBuilder();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) != -1; ) {
                    got.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // reset (SO_LINGER 0): what came before counts
            }
            return got.toString();
        }
    }

    /** Served: the server closed the connection and logged a line naming this client with {@code words}. */
    static boolean closedWithLine(InetSocketAddress at, Starved server, String request, String words)
            throws IOException {
        try (Socket s = new Socket()) {
            s.connect(at, 5_000);
            int port = s.getLocalPort();
            s.setSoTimeout((int) ANSWER.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
            return server.await(Duration.ofSeconds(1), 0, ":" + port, words);
        }
    }

    /** A server main in a JVM of its own under {@code prlimit --nofile=HARD:HARD}, its output kept line by line. */
    static final class Starved implements AutoCloseable {
        private final Process process;
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        private Starved(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // the server ended: its lines so far are kept
                }
            });
        }

        static Starved start(String main, List<String> args) throws IOException {
            List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=" + HARD + ":" + HARD));
            command.addAll(MainRunner.java());
            command.add(main);
            command.addAll(args);
            return new Starved(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        boolean alive() {
            return process.isAlive();
        }

        boolean has(int from, String... parts) {
            List<String> all = lines();
            return all.subList(Math.min(from, all.size()), all.size()).stream()
                    .anyMatch(l -> Stream.of(parts).allMatch(l::contains));
        }

        /** Waits (bounded) for a line from index {@code from} on with every one of {@code parts}. */
        boolean await(Duration within, int from, String... parts) {
            long end = System.nanoTime() + within.toNanos();
            while (!has(from, parts) && System.nanoTime() < end && process.isAlive()) {
                LockSupport.parkNanos(POLL.toNanos());
            }
            return has(from, parts);
        }

        /** The address in the first line from index {@code from} on that holds {@code marker} and 127.0.0.1:port. */
        InetSocketAddress awaitAddress(int from, String marker) {
            long end = System.nanoTime() + READY.toNanos();
            while (System.nanoTime() < end && process.isAlive()) {
                List<String> all = lines();
                for (String line : all.subList(Math.min(from, all.size()), all.size())) {
                    Matcher m = line.contains(marker) ? LOOPBACK.matcher(line) : null;
                    if (m != null && m.find()) {
                        return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
                    }
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
            throw new AssertionError("no ready line with '" + marker + "'; lines: " + lines());
        }

        /**
         * Lowers the soft limit so that exactly {@code spare} more descriptors can be opened: a new descriptor takes
         * the lowest free number, and open() fails with EMFILE once that number reaches the soft limit.
         */
        void starve(int spare) throws IOException, InterruptedException {
            awaitAccepting();
            Set<Integer> open;
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
                open = fds.map(p -> Integer.valueOf(p.getFileName().toString())).collect(Collectors.toCollection(TreeSet::new));
            }
            int free = -1;
            for (int fd = 0, found = 0; found <= spare; fd++) {
                if (!open.contains(fd)) {
                    free = fd;
                    found++;
                }
            }
            limit(free);
        }

        /**
         * Waits (bounded) until a thread of the server sleeps in the kernel's accept (wchan inet_csk_accept): its
         * start, the loading before the first accept() included, is over. A ready line may come before that.
         */
        void awaitAccepting() throws IOException {
            long end = System.nanoTime() + READY.toNanos();
            boolean seen = false;
            while (!seen && System.nanoTime() < end && process.isAlive()) {
                try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                    seen = tasks.anyMatch(t -> {
                        try {
                            return Files.readString(t.resolve("wchan")).strip().equals("inet_csk_accept");
                        } catch (IOException e) {
                            return false; // the thread ended
                        }
                    });
                }
                if (!seen) {
                    LockSupport.parkNanos(POLL.toNanos());
                }
            }
            assumeTrue(seen, "no thread of the server seen in accept() (/proc/PID/task/TID/wchan); lines: " + lines());
        }

        /** Gives the descriptors back: the soft limit up to the hard one. */
        void feed() throws IOException, InterruptedException {
            limit(HARD);
        }

        private void limit(int soft) throws IOException, InterruptedException {
            Process p = new ProcessBuilder("/usr/bin/prlimit", "--pid", String.valueOf(process.pid()),
                    "--nofile=" + soft + ":" + HARD).redirectErrorStream(true).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("prlimit --pid returned").isTrue();
            assertThat(p.exitValue()).as("prlimit --pid: %s", new String(p.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8)).isZero();
        }

        /** Asks {@code probe} until served, for SERVES_AGAIN plus slack; how long that took, null if never. */
        Duration servedAgain(InetSocketAddress at, Probe probe) {
            long back = System.nanoTime();
            Duration limit = DescriptorExhaustion.SERVES_AGAIN.plus(DescriptorExhaustion.SLACK);
            while (System.nanoTime() - back < limit.toNanos() && process.isAlive()) {
                try {
                    if (probe.served(at, this)) {
                        return Duration.ofNanos(System.nanoTime() - back);
                    }
                } catch (IOException e) {
                    // not yet
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
            return null;
        }

        /** The process's CPU share over one window of {@link #MEASURED}, added to {@code shares}. */
        double cpuShare(List<String> shares) throws IOException, InterruptedException {
            long before = ticks();
            long start = System.nanoTime();
            process.waitFor(MEASURED.toMillis(), TimeUnit.MILLISECONDS); // a measuring window, not a synchronisation
            double share = (ticks() - before) / 100.0 / ((System.nanoTime() - start) / 1e9);
            shares.add(String.format("%.2f", share));
            return share;
        }

        private long ticks() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
