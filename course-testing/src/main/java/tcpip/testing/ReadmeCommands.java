package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * No stale docs: every command in a README's {@code ```bash} fences runs, as one dynamic test per
 * fence. Each module checks its own README (so the checks of the four chapters run side by side);
 * the tour checks the course's README.md and README.ko.md.
 *
 * <p>{@code ./mvnw … exec:exec -Dmain=NAME} lines are translated into the java command that
 * {@code tcpip.cli.Run} would start (the main of that name in that module), so no Maven start-up is
 * paid per line; MavenRunCommandTest in the tour runs the pattern through Maven for real once.
 * Servers marked {@code # runs until Ctrl-C} start on port 0; the port the kernel gave them is read
 * back (from /proc, by the {@code listeningPort} function the caller gives) and put in place of the
 * README's port in the fence's later lines. A command fails on a non-zero exit or an unknown option.
 * A chapter demo run with only stage selection ({@code --only NAME --no-pause}) is checked with
 * {@code --list}: the guided tour runs every stage of every {@code *Demo} end to end. Lines in
 * {@code ```bash manual} fences (root, optional tools, minutes-long benchmarks) are checked against the
 * program's {@code --help}: every flag they use must exist.
 */
public final class ReadmeCommands {

    private static final Duration FOREGROUND_LIMIT = Duration.ofSeconds(90);
    private static final Duration READY_LIMIT = Duration.ofSeconds(30);
    /** Servers print after listen(): only a slow /proc needs more than one look. */
    private static final Duration LISTEN_LIMIT = Duration.ofSeconds(1);
    /** Fences run this many at a time: most of their time is JVM start-up and waiting on sockets. */
    private static final int PARALLEL_FENCES = 8;
    private static final Pattern DEFINE = Pattern.compile("-D([\\w.]+)=(.*)");
    /** README.md and README.ko.md show the same commands: one that passed in this JVM is not run again. */
    private static final Set<String> PASSED = ConcurrentHashMap.newKeySet();

    private ReadmeCommands() {
    }

    /** The checkout's root directory (system property {@code tcpip.root}, set by the parent pom; else ".."). */
    public static Path root() {
        String r = System.getProperty("tcpip.root");
        Path p = r != null && !r.isBlank() ? Path.of(r) : Path.of("..");
        return p.toAbsolutePath().normalize();
    }

    /**
     * One dynamic test per fence of {@code readme} (relative to the root), fences running
     * {@link #PARALLEL_FENCES} at a time. {@code listeningPort} gives the port a process listens on.
     */
    public static Stream<DynamicTest> tests(String readme, LongFunction<Optional<Integer>> listeningPort)
            throws IOException {
        Path file = root().resolve(readme);
        List<ReadmeCommand> commands = ReadmeCommand.parse(Path.of(readme), Files.readAllLines(file));
        Map<Integer, List<ReadmeCommand>> fences = commands.stream()
                .collect(Collectors.groupingBy(ReadmeCommand::fence, LinkedHashMap::new, Collectors.toList()));
        List<DynamicTest> tests = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_FENCES, Thread.ofPlatform().daemon().factory());
        for (List<ReadmeCommand> fence : fences.values()) {
            ReadmeCommand first = fence.get(0);
            // Every fence starts now, PARALLEL_FENCES at a time; each dynamic test reports its own.
            Future<?> run = pool.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    runFence(fence, listeningPort);
                } finally {
                    System.out.printf("fence %s took %d ms%n", first.where(),
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
                return null;
            });
            tests.add(DynamicTest.dynamicTest(first.where() + (first.manual() ? " (manual: flags)" : ""), () -> {
                try {
                    run.get(FOREGROUND_LIMIT.toSeconds() * 2, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }));
        }
        pool.shutdown();
        return tests.stream();
    }

    /** True if {@code c} is the README's test command ({@code ./mvnw … verify}), which CI itself runs. */
    public static boolean isTestCommand(ReadmeCommand c) {
        List<String> w = ReadmeCommand.words(c.text());
        return w.get(0).equals("./mvnw") && w.contains("verify") && !w.contains("exec:exec");
    }

    private static void runFence(List<ReadmeCommand> fence, LongFunction<Optional<Integer>> listeningPort) throws Exception {
        Map<Integer, Integer> ports = new HashMap<>(); // README port -> port the kernel gave
        List<Process> background = new ArrayList<>();
        try {
            for (ReadmeCommand c : fence) {
                if (isTestCommand(c)) {
                    continue; // ./mvnw verify itself: .ci/run runs it (see ciRunsExactlyTheReadmeTestCommand)
                }
                System.out.println(c.where() + (c.manual() ? " [manual] " : c.background() ? " [background] " : " ")
                        + c.text());
                Optional<Program> program = program(c, ports);
                if (c.manual()) {
                    checkFlags(c, program);
                } else if (c.background()) {
                    background.add(startInBackground(c, listeningPort, program.orElseThrow(
                            () -> new AssertionError(c.where() + ": only our programs may run in the background")),
                            ports));
                } else {
                    runToEnd(c, program);
                }
            }
        } finally {
            for (Process p : background) {
                p.destroy(); // SIGTERM: the shutdown hook closes the server, as Ctrl-C would
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            }
        }
    }

    /**
     * A java main, its arguments, and the directory it runs in: exec:exec runs a program in its
     * module's directory, a plain {@code java} line runs where the README's reader stands (the root).
     */
    record Program(String mainClass, List<String> args, Path dir) {
        List<String> command() {
            List<String> cmd = MainRunner.java();
            cmd.add(mainClass);
            cmd.addAll(args);
            return cmd;
        }
    }

    /** The java program a line runs, if it runs one of ours. */
    private static Optional<Program> program(ReadmeCommand c, Map<Integer, Integer> ports) throws Exception {
        List<String> w = ReadmeCommand.words(c.text());
        if (w.get(0).equals("./mvnw") && w.contains("exec:exec")) {
            return Optional.of(fromExec(c, w, ports));
        }
        if (w.get(0).equals("java")) {
            int i = 1;
            while (i < w.size() && w.get(i).startsWith("-")) {
                i += w.get(i).equals("-cp") || w.get(i).equals("-classpath") ? 2 : 1;
            }
            if (i >= w.size()) {
                fail(c.where() + ": java line without a main class: " + c.text());
            }
            List<String> args = new ArrayList<>(w.subList(i + 1, w.size()));
            return Optional.of(new Program(w.get(i), mapPorts(args, ports, c.background()), root()));
        }
        return Optional.empty();
    }

    private static Program fromExec(ReadmeCommand c, List<String> w, Map<Integer, Integer> ports) throws Exception {
        String module = null;
        Map<String, String> defines = new HashMap<>();
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).equals("-pl") && i + 1 < w.size()) {
                module = w.get(i + 1);
            }
            Matcher d = DEFINE.matcher(w.get(i));
            if (d.matches()) {
                defines.put(d.group(1), d.group(2));
            }
        }
        if (module == null || !w.contains("exec:exec") || !defines.containsKey("main")) {
            fail(c.where() + ": expected ./mvnw -q -pl MODULE -am compile exec:exec -Dmain=NAME [-Dargs=\"...\"], got: "
                    + c.text());
        }
        if (!w.contains("-am")) {
            fail(c.where() + ": add -am so a fresh clone builds the modules " + module + " needs: " + c.text());
        }
        if (!w.contains("compile")) {
            fail(c.where() + ": add 'compile' before exec:exec: it selects the JDK toolchain and builds the module: "
                    + c.text());
        }
        Set<String> unknown = new java.util.TreeSet<>(defines.keySet());
        unknown.removeAll(Set.of("main", "args"));
        if (!unknown.isEmpty()) {
            fail(c.where() + ": the run command takes only -Dmain and -Dargs (put program flags in -Dargs): " + unknown);
        }
        String mainClass = mainClass(c, module, defines.get("main"));
        List<String> args = mapPorts(new ArrayList<>(ReadmeCommand.words(defines.getOrDefault("args", ""))), ports,
                c.background());
        return new Program(mainClass, args, root().resolve(module));
    }

    /** The class {@code -Dmain=NAME} names: a main in that module's own sources, as tcpip.cli.Run finds it. */
    private static String mainClass(ReadmeCommand c, String module, String name) throws IOException {
        Path sources = root().resolve(module).resolve("src/main/java");
        assertThat(sources).as(c.where() + ": module " + module).isDirectory();
        String file = name.substring(name.lastIndexOf('.') + 1) + ".java";
        try (Stream<Path> all = Files.walk(sources)) {
            List<String> found = all.filter(p -> p.getFileName().toString().equals(file))
                    .map(p -> sources.relativize(p).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .filter(fqn -> !name.contains(".") || fqn.equals(name))
                    .toList();
            if (found.size() != 1) {
                fail(c.where() + ": -Dmain=" + name + " must name exactly one class of " + module + ", found " + found);
            }
            return found.get(0);
        }
    }

    /** Background servers get port 0 unless an earlier line already started that port. */
    private static int mapPort(int readmePort, Map<Integer, Integer> ports, boolean background) {
        if (ports.containsKey(readmePort)) {
            return ports.get(readmePort);
        }
        return background ? 0 : readmePort;
    }

    private static List<String> mapPorts(List<String> args, Map<Integer, Integer> ports, boolean background) {
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--port") && args.get(i + 1).matches("\\d+")) {
                args.set(i + 1, String.valueOf(mapPort(Integer.parseInt(args.get(i + 1)), ports, background)));
            }
        }
        return args;
    }

    private static Process startInBackground(ReadmeCommand c, LongFunction<Optional<Integer>> listeningPort,
            Program program, Map<Integer, Integer> ports) throws Exception {
        Process p = new ProcessBuilder(program.command()).directory(program.dir().toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        CountDownLatch firstLine = new CountDownLatch(1);
        StringBuilder seen = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (seen) {
                        if (seen.length() < 4000) {
                            seen.append(line).append('\n');
                        }
                    }
                    firstLine.countDown();
                }
            } catch (IOException ignored) {
                // the process ended
            } finally {
                firstLine.countDown();
            }
        });
        // Ready when it has printed its first line (servers print after bind()).
        boolean printed = firstLine.await(READY_LIMIT.toSeconds(), TimeUnit.SECONDS);
        if (!printed || !p.isAlive()) {
            p.destroyForcibly();
            fail(c.where() + ": '" + c.text() + "' should keep running but " + (printed ? "exited" : "printed nothing")
                    + ":\n" + seen);
        }
        synchronized (seen) {
            assertNoUnknownOption(c, seen.toString());
        }
        // The README's port -> the port the kernel gave this server (its LISTEN socket's inode is in its fds).
        Integer readmePort = readmePort(c);
        if (readmePort != null && !ports.containsKey(readmePort)) {
            awaitListening(listeningPort, p.pid()).ifPresent(actual -> ports.put(readmePort, actual));
        }
        return p;
    }

    private static Integer readmePort(ReadmeCommand c) throws Exception {
        List<String> w = ReadmeCommand.words(c.text());
        for (int i = 0; i < w.size(); i++) {
            Matcher d = DEFINE.matcher(w.get(i));
            if (w.get(i).equals("--port") && i + 1 < w.size()) {
                return Integer.parseInt(w.get(i + 1));
            }
        }
        for (String word : w) {
            Matcher d = DEFINE.matcher(word);
            if (d.matches() && d.group(1).equals("args")) {
                List<String> args = ReadmeCommand.words(d.group(2));
                int i = args.indexOf("--port");
                if (i >= 0 && i + 1 < args.size() && args.get(i + 1).matches("\\d+")) {
                    return Integer.parseInt(args.get(i + 1));
                }
            }
        }
        if (c.background()) {
            fail(c.where() + ": a server that runs until Ctrl-C must give --port N in -Dargs, so the doc test can "
                    + "run it on a port the kernel picks: " + c.text());
        }
        return null;
    }

    private static void runToEnd(ReadmeCommand c, Optional<Program> program) {
        if (program.isPresent() && isWholeDemo(program.get())) {
            checkWholeDemo(c, program.get());
            return;
        }
        List<String> command = program.map(Program::command).orElseGet(() -> shellCommand(c));
        Path dir = program.map(Program::dir).orElse(root());
        // README.md and README.ko.md show the same commands: a command that already passed is not run again.
        String key = dir + " " + command;
        if (PASSED.contains(key)) {
            return;
        }
        CommandRun r = CommandRun.run(dir, FOREGROUND_LIMIT.toSeconds(), command.toArray(String[]::new));
        if (r.exitCode() == 127) {
            fail(c.where() + ": '" + c.text() + "' needs a tool CI may not have; put it in a ```bash manual fence");
        }
        assertThat(r.exitCode()).as("%s: '%s' exit code; output:%n%s", c.where(), c.text(), r.output()).isZero();
        assertNoUnknownOption(c, r.output());
        PASSED.add(key);
    }

    /**
     * A chapter demo (whole, or one stage with {@code --only}): the guided tour runs every stage of
     * every {@code *Demo} end to end in one JVM (GuidedTourTest, which also checks that it has them
     * all), so running them again here would prove nothing new. Here: the main accepts these
     * arguments ({@code --list} with them), the named stage exists, and the class is a {@code *Demo}
     * or the tour itself.
     */
    private static boolean isWholeDemo(Program p) {
        try {
            Class.forName(p.mainClass()).getMethod("stages");
        } catch (ReflectiveOperationException e) {
            return false;
        }
        // Only stage selection: --only/--stage NAME and --no-pause. Anything else (--pcap, --html…) runs for real.
        List<String> a = p.args();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals("--only") || a.get(i).equals("--stage")) {
                i++;
            } else if (!a.get(i).equals("--no-pause")) {
                return false;
            }
        }
        return true;
    }

    private static void checkWholeDemo(ReadmeCommand c, Program p) {
        List<String> command = new ArrayList<>(p.command());
        command.add("--list");
        int only = Math.max(p.args().indexOf("--only"), p.args().indexOf("--stage"));
        CommandRun r = CommandRun.run(p.dir(), FOREGROUND_LIMIT.toSeconds(), command.toArray(String[]::new));
        assertThat(r.exitCode()).as("%s: '%s --list' exit code; output:%n%s", c.where(), c.text(), r.output()).isZero();
        assertNoUnknownOption(c, r.output());
        List<String> listed = r.output().lines().filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")[0]).toList();
        if (only >= 0) {
            assertThat(listed).as("%s: %s has a stage %s", c.where(), p.mainClass(), p.args().get(only + 1))
                    .contains(p.args().get(only + 1));
        }
        assertThat(p.mainClass()).as("%s: a demo whose stages the guided tour runs is named *Demo (the tour's test "
                + "checks that it runs every stage of every *Demo), or is the tour itself", c.where())
                .matches(".*(Demo|\\.GuidedTour)$");
    }

    /** The port process {@code pid} listens on, polled for {@link #LISTEN_LIMIT}; empty for a program that listens on none. */
    private static Optional<Integer> awaitListening(LongFunction<Optional<Integer>> listeningPort, long pid) {
        long deadline = System.nanoTime() + LISTEN_LIMIT.toNanos();
        while (System.nanoTime() < deadline && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Optional<Integer> port = listeningPort.apply(pid);
            if (port.isPresent()) {
                return port;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        return Optional.empty();
    }

    private static List<String> shellCommand(ReadmeCommand c) {
        String first = ReadmeCommand.words(c.text()).get(0);
        if (first.equals("./mvnw")) {
            fail(c.where() + ": a ./mvnw line other than exec:exec and verify costs a Maven start per doc run; "
                    + "document it in a ```bash manual fence: " + c.text());
        }
        return List.of("bash", "-c", c.text());
    }

    private static void assertNoUnknownOption(ReadmeCommand c, String output) {
        assertThat(output).as("%s: '%s'", c.where(), c.text()).doesNotContain("unknown option")
                .doesNotContain("unknown argument");
    }

    /** A manual line: its program must exist, and every --flag it uses must be in that program's --help. */
    private static void checkFlags(ReadmeCommand c, Optional<Program> program) throws Exception {
        List<String> w = ReadmeCommand.words(c.text());
        if (program.isPresent()) {
            Program p = program.get();
            List<String> help = MainRunner.java();
            help.addAll(List.of(p.mainClass(), "--help"));
            CommandRun r = CommandRun.run(root(), 60, help.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s --help%n%s", c.where(), p.mainClass(), r.output()).isZero();
            for (String a : p.args()) {
                if (a.startsWith("--")) {
                    String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                    assertThat(r.output()).as("%s: %s has no option %s", c.where(), p.mainClass(), flag)
                            .contains(flag + " ").doesNotContain("unknown");
                }
            }
            return;
        }
        if (w.get(0).equals("./homework")) {
            CommandRun r = CommandRun.run(root(), 30, "bash", "homework", "--help");
            assertThat(w).as("%s: ./homework needs a command", c.where()).hasSizeGreaterThan(1);
            assertThat(r.output()).as("%s: ./homework has no command %s", c.where(), w.get(1)).contains("  " + w.get(1) + " ");
            return;
        }
        for (String word : w) {
            if (word.matches("[\\w./-]+\\.sh")) {
                Path script = root().resolve(word);
                assertThat(script).as("%s: script %s", c.where(), word).exists();
                CommandRun syntax = CommandRun.run(root(), 30, "bash", "-n", word);
                assertThat(syntax.exitCode()).as("%s: bash -n %s%n%s", c.where(), word, syntax.output()).isZero();
            }
        }
        for (String word : w) {
            if (word.contains("/") && !word.startsWith("/") && !word.startsWith("-") && !word.contains("=")
                    && word.matches("[\\w./-]+") && Files.exists(root().resolve(word.split("/")[0]))) {
                assertThat(root().resolve(word)).as("%s: %s", c.where(), word).exists();
            }
        }
    }
}
