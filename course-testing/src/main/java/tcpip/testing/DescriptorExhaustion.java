package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Servers out of descriptors (EMFILE), one JVM for many: a {@link ServerHost} under
 * {@code prlimit --nofile=256:256} (or a lower limit given to {@code start}), run from the course's
 * classes or from jars of them, starts each server in a class loader of its own; {@link #check} opens
 * more idle clients than the host has
 * descriptors, measures the CPU of the threads the server started while it is out of them (a spinning
 * accept() uses a core), checks that the server is still running, closes the clients and asks {@link Server#probe}
 * until the server serves again: within two seconds, plus a busy machine's slack.
 *
 * <pre>{@code
 * try (DescriptorExhaustion host = DescriptorExhaustion.start("classes", tmp)) {
 *     host.check(new DescriptorExhaustion.Server("tcpip.x.LineServer", List.of("--port", "0"), "listening on",
 *             (at, log) -> ...));
 * }
 * }</pre>
 */
public final class DescriptorExhaustion implements AutoCloseable {

    /** The host's limit: low, so that a few idle clients use it up (256 and 300 proved the same, slower). */
    public static final int DESCRIPTORS = 64;
    /** More idle clients than descriptors: the server runs out, whatever the JVM itself holds. */
    public static final int IDLE_CLIENTS = 80;
    /** How long the host's CPU is measured while the server is out of descriptors. */
    static final Duration MEASURED = Duration.ofMillis(400);
    /** At most this many windows: the connections accepted before the limit may keep it busy for a moment. */
    static final int WINDOWS = 12;
    public static final Duration SERVES_AGAIN = Duration.ofSeconds(2);
    /** A scheduler on two busy cores: how late the server may still be. */
    public static final Duration SLACK = Duration.ofSeconds(3);
    /** The pause between two looks (a log line, the host, a probe the server turned away): each a few ms late at most. */
    static final Duration POLL = Duration.ofMillis(5);
    /** A loop that retries accept() at once uses a whole core; the back-off uses almost none. */
    static final double MAX_CPU_SHARE = 0.3;
    /** Environment variable naming another {@code java} to run the host with (the test's own by default). */
    public static final String OTHER_JAVA = "TCPIP_EXHAUSTION_JAVA";
    private static final Pattern LOOPBACK = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

    /** Whether this machine can run the check (prlimit and /proc). */
    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** Asks a server whether it serves: true once it answered as it should (see {@link Log} for its lines). */
    @FunctionalInterface
    public interface Probe {
        boolean served(InetSocketAddress at, Log log) throws IOException;

        /**
         * A probe's connection to {@code at}: one second to connect, {@link #SERVES_AGAIN} per read (a server that
         * runs ss for each client, such as BufferSizeServer, answered after the probe's old one second on a busy
         * machine, and every try said "not yet" while it was serving).
         */
        static Socket connect(InetSocketAddress at) throws IOException {
            Socket s = new Socket();
            s.connect(at, 1_000);
            s.setSoTimeout((int) SERVES_AGAIN.toMillis());
            return s;
        }
    }

    /**
     * A server main with its arguments ({@code --port 0} among them), the text its ready line holds just
     * before its address, and how to tell that it serves. {@code prelude}, if not null, runs on the address
     * of the first ready line, and the server is ready at the next one (a server that restarts).
     */
    public record Server(String main, List<String> args, String ready, Probe probe, Probe prelude) {
        public Server(String main, List<String> args, String ready, Probe probe) {
            this(main, args, ready, probe, null);
        }
    }

    /** The host's output, every line kept. */
    public static final class Log {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>()); // StarvedServer adds too

        /** The lines so far. */
        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** Whether a line from index {@code from} on contains every one of {@code parts}. */
        public boolean has(int from, String... parts) {
            List<String> all = lines();
            return all.subList(Math.min(from, all.size()), all.size()).stream()
                    .anyMatch(l -> Stream.of(parts).allMatch(l::contains));
        }

        /** Waits (bounded) until a line contains every one of {@code parts}. */
        public boolean await(Duration within, String... parts) {
            return await(within, 0, parts);
        }

        /** Waits (bounded) until a line from index {@code from} on contains every one of {@code parts}. */
        public boolean await(Duration within, int from, String... parts) {
            long end = System.nanoTime() + within.toNanos();
            while (!has(from, parts) && System.nanoTime() < end) {
                LockSupport.parkNanos(POLL.toNanos());
            }
            return has(from, parts);
        }
    }

    private final Process host;
    private final Socket driver;
    private final Writer commands;
    private final Log log = new Log();
    private final String form;
    private final int descriptors;
    private final int idleClients;

    private DescriptorExhaustion(Process host, String form, int descriptors, int idleClients) throws IOException {
        this.host = host;
        this.form = form;
        this.descriptors = descriptors;
        this.idleClients = idleClients;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    log.lines.add(line);
                }
            } catch (IOException e) {
                // the host ended: its lines so far are kept
            }
        });
        Socket s = new Socket();
        try {
            String first = "host commands on port ";
            if (!log.await(Duration.ofSeconds(60), first)) {
                throw new IOException("the host printed no command port: " + log.lines());
            }
            String line = log.lines().stream().filter(l -> l.startsWith(first)).findFirst().orElseThrow();
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(line.substring(first.length()).strip())), 10_000);
        } catch (IOException | RuntimeException e) {
            host.destroyForcibly();
            s.close();
            throw e;
        }
        this.driver = s;
        this.commands = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** A host under the low limit whose servers run from the course's {@code form} ("classes" or "jars"). */
    public static DescriptorExhaustion start(String form, Path tmp) throws IOException {
        return start(form, tmp, DESCRIPTORS, IDLE_CLIENTS);
    }

    /**
     * A host under {@code prlimit --nofile=descriptors:descriptors} that {@link #check} floods with
     * {@code idleClients} (more than {@code descriptors}): a lower limit proves the same, with fewer connections.
     */
    public static DescriptorExhaustion start(String form, Path tmp, int descriptors, int idleClients) throws IOException {
        if (idleClients <= descriptors) {
            throw new IllegalArgumentException(idleClients + " idle clients cannot use up " + descriptors + " descriptors");
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/prlimit", "--nofile=" + descriptors + ":" + descriptors));
        List<String> java = MainRunner.java();
        command.addAll(java.subList(0, java.indexOf("-cp")));
        String other = System.getenv(OTHER_JAVA);
        if (other != null && !other.isBlank()) {
            command.set(2, other); // another JDK's java, e.g. 21, where a failure path differs (the poller)
        }
        command.addAll(List.of("-cp", hostClasspath(), ServerHost.class.getName(), CourseClasspath.of(form, tmp)));
        return new DescriptorExhaustion(new ProcessBuilder(command).redirectErrorStream(true).start(), form, descriptors,
                idleClients);
    }

    /** The host's output so far. */
    public Log log() {
        return log;
    }

    /**
     * Starts {@code server} in the host, runs it out of descriptors and back; asserts it stays up without
     * spinning and serves again. Returns how long it took to serve again.
     */
    public Duration check(Server server) throws Exception {
        awaitDescriptorsFreed();
        Set<String> before = threads();
        int from = log.lines().size();
        assertThat(host.isAlive()).as("the host JVM runs (before %s); its lines: %s", server.main(), tail(0)).isTrue();
        try {
            commands.write(ServerHost.start(server.main(), server.args()) + "\n");
            commands.flush();
        } catch (IOException e) {
            host.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("the host JVM ended before " + server.main() + " (exit "
                    + (host.isAlive() ? "?" : host.exitValue()) + "); its lines: " + tail(0), e);
        }
        InetSocketAddress address = awaitReady(server, from, server.prelude() == null ? server.ready() : "");
        if (server.prelude() != null) {
            from = log.lines().size();
            assertThat(server.prelude().served(address, log)).as("%s: its first run served", server.main()).isTrue();
            address = awaitReady(server, from, server.ready());
        }
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < idleClients; i++) { // the kernel finishes every handshake: the queue holds them
                Socket s = new Socket();
                s.connect(address, 10_000);
                idle.add(s);
            }
            awaitDescriptorsUsed(server);
            // The clients accepted before the limit may still be served (or failed) for a moment; an accept()
            // retried at once keeps a core busy for good. So: quiet within a few measuring windows.
            List<String> shares = new ArrayList<>();
            boolean quiet = false;
            for (int window = 0; window < WINDOWS && !quiet; window++) {
                long cpuBefore = serverTicks(before);
                long start = System.nanoTime();
                host.waitFor(MEASURED.toMillis(), TimeUnit.MILLISECONDS); // a measuring window, not a synchronisation
                double share = (serverTicks(before) - cpuBefore) / 100.0 / ((System.nanoTime() - start) / 1e9);
                shares.add(String.format("%.2f", share));
                quiet = share < MAX_CPU_SHARE;
            }
            assertRunning(server, from);
            assertThat(quiet).as("CPU share of %s (from %s) while out of descriptors, in %d ms windows: %s (a spinning"
                    + " accept() uses a core)", server.main(), form, MEASURED.toMillis(), shares).isTrue();
        } finally {
            idle.forEach(DescriptorExhaustion::abortQuietly);
        }
        long back = System.nanoTime();
        List<String> tries = new ArrayList<>();
        boolean served = false;
        while (!served && System.nanoTime() - back < SERVES_AGAIN.plus(SLACK).toNanos()) {
            try {
                served = server.probe().served(address, log);
                tries.add((System.nanoTime() - back) / 1_000_000 + " ms: " + (served ? "served" : "not yet"));
            } catch (IOException e) {
                tries.add((System.nanoTime() - back) / 1_000_000 + " ms: " + e);
            }
            LockSupport.parkNanos(served ? 0 : POLL.toNanos()); // on 2 cores, a try at once takes the server's CPU
        }
        Duration took = Duration.ofNanos(System.nanoTime() - back);
        assertRunning(server, from);
        assertThat(served).as("%s (from %s) serves again after the descriptors came back; tries: %s; its lines: %s",
                server.main(), form, tries, tail(from)).isTrue();
        System.out.printf("%s from %s: served again %d ms after the idle clients left%n", server.main(), form, took.toMillis());
        return took;
    }

    private InetSocketAddress awaitReady(Server server, int from, String marker) {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end && host.isAlive()) {
            List<String> lines = log.lines();
            for (String line : lines.subList(from, lines.size())) {
                int at = line.indexOf(marker);
                Matcher m = at < 0 ? null : LOOPBACK.matcher(line.substring(at));
                if (m != null && m.find()) {
                    return new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
                }
                assertThat(line).as("%s did not start", server.main()).doesNotStartWith("host ended " + server.main());
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        throw new AssertionError(server.main() + " printed no ready line with '" + marker + "'; lines: " + tail(from));
    }

    /**
     * Waits (bounded) until the previous server let go of its connections: starting the next one loads its
     * classes, which needs descriptors (the connections that queued while the previous one was out of them
     * are still being accepted and closed for a moment).
     */
    private void awaitDescriptorsFreed() throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < end && host.isAlive() && openDescriptors() > descriptors / 2) {
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + host.pid() + "/fd"))) {
            return fds.count();
        }
    }

    /** Waits (bounded) until the host holds nearly all its descriptors: the server accepted until EMFILE. */
    private void awaitDescriptorsUsed(Server server) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long open = 0;
        while (System.nanoTime() < end && host.isAlive()) {
            open = openDescriptors();
            if (open >= descriptors - 8) {
                return;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        assertRunning(server, 0);
        throw new AssertionError(server.main() + " never ran out of descriptors (" + open + " open); its lines: " + tail(0));
    }

    private void assertRunning(Server server, int from) {
        assertThat(host.isAlive()).as("the JVM running %s (from %s) is still alive; its lines: %s", server.main(), form,
                tail(from)).isTrue();
        assertThat(log.has(from, "host ended " + server.main())).as("%s (from %s) still runs; its lines: %s",
                server.main(), form, tail(from)).isFalse();
    }

    private String tail(int from) {
        List<String> lines = log.lines();
        List<String> shown = lines.subList(Math.min(from, lines.size()), lines.size());
        return String.join(" | ", shown.size() > 30 ? shown.subList(shown.size() - 30, shown.size()) : shown);
    }

    @Override
    public void close() throws InterruptedException {
        closeQuietly(driver);
        host.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** course-testing alone: the host needs nothing else, and the servers must not see it. */
    private static String hostClasspath() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("course-testing")) {
                return entry;
            }
        }
        throw new IllegalStateException("course-testing is not on the class path");
    }

    /** The host's thread ids now. */
    private Set<String> threads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + host.pid() + "/task"))) {
            return tasks.map(t -> t.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /**
     * utime + stime, in clock ticks (USER_HZ, 100 on Linux), of the threads the server started (those not in
     * {@code before}): its accept loop among them, whose retries would spin. Not the JVM's own threads (the
     * JIT compiling the new class loader's code, the collector) nor the carriers of virtual threads: on a
     * busy machine they kept the host busy for seconds after a burst of 300 connections, spinning or not.
     */
    private long serverTicks(Set<String> before) throws IOException {
        long ticks = 0;
        for (String tid : threads()) {
            if (before.contains(tid)) {
                continue;
            }
            try {
                Path task = Path.of("/proc/" + host.pid() + "/task/" + tid);
                if (Files.readString(task.resolve("comm")).startsWith("ForkJoinPool")) {
                    continue;
                }
                String stat = Files.readString(task.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                // the thread ended meanwhile
            }
        }
        return ticks;
    }

    /** Closes with RST (SO_LINGER 0): the idle clients leave no TIME_WAIT rows for the rest of the build to read. */
    private static void abortQuietly(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
