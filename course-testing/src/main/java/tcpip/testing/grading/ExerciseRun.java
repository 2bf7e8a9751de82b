package tcpip.testing.grading;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.io.File;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Grades one exercise in a JVM of its own and decides, in the grading process, what that JVM did: each check's result
 * as the runner sent it (signed, over a Unix socket in the exercise's folder that only the runner's first two
 * connections may use), whether the run ended (all checks, or the JVM ended or was stopped first), whether
 * anything set off the answer-key {@link Tripwire}, and whether the grader's files were changed. The graded JVM's
 * output is kept up to {@link #MAX_OUTPUT} bytes and the rest is read and dropped.
 */
final class ExerciseRun {

    /** Output of one graded test JVM that is kept (the rest is read and dropped). */
    static final int MAX_OUTPUT = 64 * 1024;
    /** Largest heap of a graded test JVM. */
    static final String MAX_HEAP = "384m";
    /** Most memory outside the heap its NIO buffers may take. */
    static final String MAX_DIRECT_MEMORY = "128m";
    /** Most memory its classes' metadata may take. */
    static final String MAX_METASPACE = "256m";
    /** Longest time a graded test JVM may take to start and connect. */
    static final int CONNECT_SECONDS = 30;
    private static final int MAX_CHECKS = 2_000;
    private static final int MAX_VIOLATION_TEXT = 8 * 1024;

    /** How a graded test JVM's run ended. */
    enum Ending {
        /** The runner sent every check and DONE. */
        DONE,
        /** The time limit passed first. */
        TIMED_OUT,
        /** The JVM ended (System.exit, halt, a crash) before the runner sent DONE. */
        ENDED_EARLY,
        /** Something other than the runner wrote on the results channel. */
        FORGED,
        /** The JVM never connected. */
        NOT_STARTED
    }

    /** What one graded test JVM did, as the grader saw it. */
    record Outcome(Ending ending, List<Check> checks, List<String> violations, String detail, String output,
            boolean filesChanged) {
    }

    /** What a graded test JVM loads: the snapshot's directories and jars, and which exercise it grades. */
    record Plan(String module, String pkg, String exercise, List<Path> appClassPath, Path agentJar, List<Path> answer,
            List<Path> course, List<String> hiddenClasses, List<String> jvmFlags) {
    }

    private ExerciseRun() {
    }

    static Outcome run(Plan plan, Path java, Sandbox sandbox, Snapshot snapshot, List<Path> hidden, int limitSeconds,
            boolean verifySnapshot) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("homework-" + plan.exercise() + "-");
        Path files = work.resolve(Sandbox.FILES); // the graded JVM's only writable folder (a size-limited tmpfs there)
        Files.createDirectories(files.resolve("tmp"));
        Map<String, String> before = verifySnapshot ? snapshot.fingerprint() : Map.of();
        byte[] key = new byte[Wire.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path channel = work.resolve("grader.sock"); // a Unix socket: it reaches a graded JVM in its own network namespace
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(channel), 4);
            ProcessBuilder pb = new ProcessBuilder(sandbox.wrap(javaCommand(plan, java, work), work, hidden,
                    List.of(snapshot.root(), java.toAbsolutePath().getParent().getParent())))
                    .redirectErrorStream(true).directory(files.toFile());
            Map<String, String> env = pb.environment();
            String path = Stream.of(env.getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                    .filter(d -> d.startsWith("/")).collect(Collectors.joining(":")); // no "." or relative folder
            env.clear(); // nothing of the grader's environment: no path to its files
            env.put("PATH", path + ":/usr/sbin:/sbin");
            env.put("LANG", "C.UTF-8");
            env.put("LC_ALL", "C.UTF-8");
            env.put("HOME", files.toString());
            env.put("TMPDIR", files.resolve("tmp").toString());
            Process process = pb.start();
            Output output = new Output(process.getInputStream());
            try {
                try (DataOutputStream stdin = new DataOutputStream(process.getOutputStream())) {
                    byte[] settings = settings(plan, key, channel);
                    stdin.writeInt(settings.length);
                    stdin.write(settings);
                } catch (IOException e) {
                    // the JVM is already gone; the outcome below says so
                }
                return collect(process, listener, key, limitSeconds, output, snapshot, before, verifySnapshot);
            } finally {
                stop(process);
                output.finish();
            }
        } finally {
            Snapshot.delete(work);
        }
    }

    private static Outcome collect(Process process, ServerSocketChannel listener, byte[] key, int limitSeconds, Output output,
            Snapshot snapshot, Map<String, String> before, boolean verifySnapshot) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        List<Check> checks = new CopyOnWriteArrayList<>();
        List<String> violations = new CopyOnWriteArrayList<>();
        CountDownLatch over = new CountDownLatch(1);
        String[] forged = new String[1];
        boolean[] done = new boolean[1];
        SocketChannel results = null;
        Wire.Reader resultsReader = null;
        SocketChannel alarm = null;
        try (Selector accepting = Selector.open()) {
            listener.configureBlocking(false);
            listener.register(accepting, SelectionKey.OP_ACCEPT);
            long connectBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(CONNECT_SECONDS, limitSeconds));
            while ((results == null || alarm == null) && System.nanoTime() < connectBy && process.isAlive()) {
                accepting.select(500);
                accepting.selectedKeys().clear();
                SocketChannel s = listener.accept();
                if (s == null) {
                    continue;
                }
                s.configureBlocking(true);
                Wire.Reader r = new Wire.Reader(Channels.newInputStream(s), key);
                String role = hello(r); // the runner says hello at once; a stranger's bytes fail the signature
                if ("results".equals(role) && results == null) {
                    results = s;
                    resultsReader = r;
                } else if ("tripwire".equals(role) && alarm == null) {
                    alarm = s;
                } else {
                    s.close(); // not the runner's (it has no key): ignore it
                }
            }
            listener.close(); // no one else connects
        } catch (IOException e) {
            // handled below: a missing connection
        }
        if (results == null || alarm == null) {
            return new Outcome(process.isAlive() ? Ending.NOT_STARTED : Ending.ENDED_EARLY, List.of(), List.of(),
                    process.isAlive() ? "it did not start within " + CONNECT_SECONDS + " s" : exit(process), "", false);
        }
        Wire.Reader in = resultsReader;
        SocketChannel alarmSocket = alarm;
        Thread reader = Thread.ofPlatform().daemon().name("grading results").start(() -> {
            try {
                for (Wire.Frame f = in.next(); f != null; f = in.next()) {
                    if (f.kind() == Wire.Kind.DONE) {
                        done[0] = true;
                        break;
                    }
                    if (f.kind() == Wire.Kind.VIOLATION) {
                        violations.add(Text.clean(f.field(0), JUnitRun.MAX_MESSAGE));
                    }
                    if (f.kind() == Wire.Kind.CHECK && checks.size() < MAX_CHECKS) {
                        checks.add(new Check(Text.clean(f.field(0), JUnitRun.MAX_NAME), status(f.field(1)),
                                Text.clean(f.field(2), JUnitRun.MAX_MESSAGE), weight(f.field(3))));
                    }
                }
            } catch (Wire.Forged e) {
                forged[0] = e.getMessage();
            } catch (IOException e) {
                // the JVM ended: DONE missing
            } finally {
                over.countDown();
            }
        });
        List<String> alarmed = new CopyOnWriteArrayList<>();
        Thread watcher = Thread.ofPlatform().daemon().name("grading tripwire").start(() -> {
            StringBuilder text = new StringBuilder();
            try {
                InputStream raw = Channels.newInputStream(alarmSocket);
                byte[] buf = new byte[4096];
                for (int n = raw.read(buf); n != -1; n = raw.read(buf)) {
                    if (text.length() < MAX_VIOLATION_TEXT) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    synchronized (alarmed) {
                        alarmed.clear();
                        text.toString().lines().map(l -> Text.clean(l, JUnitRun.MAX_MESSAGE)).filter(l -> !l.isBlank())
                                .forEach(alarmed::add);
                        if (alarmed.isEmpty()) {
                            alarmed.add("something wrote on the grader's answer-key channel");
                        }
                    }
                }
            } catch (IOException e) {
                // closed
            }
        });
        boolean finished = over.await(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        boolean exited = !process.isAlive() || process.waitFor(Math.max(0, Math.min(2_000_000_000L,
                deadline - System.nanoTime())), TimeUnit.NANOSECONDS);
        stop(process);
        try {
            watcher.join(2000); // the JVM is gone: the alarm's last bytes and its end are in
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean filesChanged = verifySnapshot && !snapshot.fingerprint().equals(before);
        List<Check> got = List.copyOf(checks);
        List<String> alarms = new ArrayList<>(alarmed);
        alarms.addAll(violations);
        if (forged[0] != null) {
            return new Outcome(Ending.FORGED, got, alarms, forged[0], output.text(), filesChanged);
        }
        if (done[0]) {
            return new Outcome(Ending.DONE, got, alarms, "", output.text(), filesChanged);
        }
        if (!finished || (!exited && System.nanoTime() >= deadline)) {
            return new Outcome(Ending.TIMED_OUT, got, alarms, "", output.text(), filesChanged);
        }
        return new Outcome(Ending.ENDED_EARLY, got, alarms, exit(process), output.text(), filesChanged);
    }

    /** The role a connection's first frame claims, if it is signed with the key; null otherwise. */
    private static String hello(Wire.Reader reader) {
        try {
            Wire.Frame f = reader.next();
            return f != null && f.kind() == Wire.Kind.HELLO ? f.field(0) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String status(String s) {
        return switch (s) {
            case Check.PASSED, Check.FAILED, Check.ABORTED -> s;
            default -> Check.FAILED;
        };
    }

    private static int weight(String s) {
        try {
            return Math.max(1, Math.min(100, Integer.parseInt(s)));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String exit(Process p) {
        try {
            return "exit status " + p.exitValue();
        } catch (IllegalThreadStateException e) {
            return "still running";
        }
    }

    /** Ends the graded test JVM and everything it started (its PID namespace, where there is one). */
    static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> javaCommand(Plan plan, Path javaBin, Path work) {
        List<String> c = new ArrayList<>(List.of(javaBin.toString()));
        c.addAll(plan.jvmFlags());
        int version = Runtime.version().feature();
        c.addAll(List.of("-Xmx" + MAX_HEAP, "-XX:-UsePerfData", "-XX:+DisableAttachMechanism", "-XX:-EnableDynamicAgentLoading",
                "-XX:MaxDirectMemorySize=" + MAX_DIRECT_MEMORY, "-XX:MaxMetaspaceSize=" + MAX_METASPACE,
                "-Dfile.encoding=UTF-8", "-Djava.io.tmpdir=" + work.resolve(Sandbox.FILES).resolve("tmp"),
                "-Duser.home=" + work.resolve(Sandbox.FILES)));
        if (version >= 22) {
            c.add("--enable-native-access=java.base"); // no native code for the class path's modules
        }
        if (version >= 24) {
            c.add("--illegal-native-access=deny");
        }
        if (version >= 23) {
            c.add("--sun-misc-unsafe-memory-access=deny");
        }
        c.add("-javaagent:" + plan.agentJar());
        c.add("-cp");
        c.add(String.join(File.pathSeparator, plan.appClassPath().stream().map(Path::toString).toList()));
        c.add(GradedRun.class.getName());
        return c;
    }

    private static byte[] settings(Plan plan, byte[] key, Path channel) throws IOException {
        Properties p = new Properties();
        p.setProperty("key", HexFormat.of().formatHex(key));
        p.setProperty("channel", channel.toString());
        p.setProperty("package", plan.pkg());
        p.setProperty("exercise", plan.exercise());
        p.setProperty("answer", join(plan.answer()));
        p.setProperty("course", join(plan.course()));
        p.setProperty("hidden", String.join(",", plan.hiddenClasses()));
        StringWriter w = new StringWriter();
        p.store(w, null);
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }

    /** Reads a JVM's output, keeps the first {@link #MAX_OUTPUT} bytes and drops the rest. */
    static final class Output {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread reader;
        private long total;

        Output(InputStream in) {
            reader = Thread.ofPlatform().daemon().name("grading output").start(() -> {
                byte[] buf = new byte[8192];
                try (in) {
                    for (int n = in.read(buf); n != -1; n = in.read(buf)) {
                        synchronized (this) {
                            total += n;
                            int room = MAX_OUTPUT - kept.size();
                            if (room > 0) {
                                kept.write(buf, 0, Math.min(room, n));
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process is gone
                }
            });
        }

        void finish() {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        synchronized String text() {
            String s = kept.toString(StandardCharsets.UTF_8);
            return total > MAX_OUTPUT ? s + "\n... (" + (total - MAX_OUTPUT) + " more bytes of output dropped)\n" : s;
        }
    }
}
