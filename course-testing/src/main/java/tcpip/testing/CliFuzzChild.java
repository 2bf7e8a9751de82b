package tcpip.testing;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM {@link CliFuzz} runs its cases in: the process, the pipe that gives it cases, the pipe
 * its outcomes come back on; and, in {@link #main}, the child's side.
 */
public record CliFuzzChild(Process process, Writer in, BufferedReader out) {

    /** How long a non-daemon thread a main left may take to end before the main counts as still running. */
    static final Duration THREAD_GRACE = Duration.ofSeconds(2);

    static CliFuzzChild start() throws IOException {
        List<String> command = MainRunner.java();
        command.add(CliFuzzChild.class.getName());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return new CliFuzzChild(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII),
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)));
    }

    void end() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Its main: {@code CliFuzzChild}, reading batches on stdin, each a line {@code main CLASS LIMIT_MS N}
     * and N case lines; for each case, one line {@code case EXIT STDOUT STDERR} (both Base64) on the real
     * stdout. A case still running at the limit is reported with exit -1, then this JVM halts, ending it;
     * so does the end of stdin (the test JVM is gone).
     */
    public static void main(String[] args) throws Exception {
        PrintStream report = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.US_ASCII);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        System.setIn(InputStream.nullInputStream()); // a main that reads stdin sees its end, not the cases
        for (String header; (header = in.readLine()) != null;) {
            String[] h = header.split(" ");
            if (h.length != 4 || !h[0].equals("main")) {
                continue;
            }
            Class<?> main = Class.forName(h[1]);
            Duration limit = Duration.ofMillis(Long.parseLong(h[2]));
            List<List<String>> cases = new ArrayList<>();
            for (int i = Integer.parseInt(h[3]); i > 0; i--) {
                String line = in.readLine();
                if (line == null) {
                    Runtime.getRuntime().halt(0);
                }
                cases.add(decodeArgs(line));
            }
            for (List<String> c : cases) {
                Set<Thread> before = liveThreads();
                MainRunner.Result r = MainRunner.runHere(limit, main, c.toArray(String[]::new));
                int exit = r.exitCode() != -1 && leftRunning(before) ? -1 : r.exitCode();
                report.println("case " + exit + " " + encode(r.stdout()) + " " + encode(r.stderr()));
                if (exit == -1) {
                    Runtime.getRuntime().halt(0); // the main runs on (a server serving): only the JVM's end stops it
                }
            }
        }
        Runtime.getRuntime().halt(0); // a main may have left non-daemon threads behind
    }

    /**
     * True if a thread the main started is not a daemon and still runs {@link #THREAD_GRACE} after the main
     * ended: as a process of its own, the main would not have exited.
     */
    private static boolean leftRunning(Set<Thread> before) throws InterruptedException {
        long end = System.nanoTime() + THREAD_GRACE.toNanos();
        for (Thread t : liveThreads()) {
            if (!before.contains(t) && !t.isDaemon()) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
                if (t.isAlive()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The JVM's live platform threads, without their stacks: Thread.getAllStackTraces() would stop every thread at a
     * safepoint and copy every stack, twice per case, for a set whose stacks nobody reads.
     */
    private static Set<Thread> liveThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(all, true)) == all.length) { // full: threads were started meanwhile
            all = new Thread[all.length * 2];
        }
        return new HashSet<>(Arrays.asList(all).subList(0, n));
    }

    static String encode(List<String> args) {
        List<String> parts = new ArrayList<>();
        args.forEach(a -> parts.add(encode(a)));
        return String.join(" ", parts);
    }

    private static List<String> decodeArgs(String line) {
        List<String> args = new ArrayList<>();
        for (String p : line.isEmpty() ? new String[0] : line.split(" ", -1)) {
            args.add(decode(p));
        }
        return args;
    }

    /** Base64 behind a '=' (so that an empty string is a field too). */
    private static String encode(String s) {
        return "=" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String field) {
        return new String(Base64.getDecoder().decode(field.substring(1)), StandardCharsets.UTF_8);
    }
}
