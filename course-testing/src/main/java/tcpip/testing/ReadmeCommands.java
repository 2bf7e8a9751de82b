package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * No stale docs: every command in a README's {@code ```bash} fences runs, as one dynamic test per
 * fence. Each module checks its own README (so the checks of the four chapters run side by side);
 * the tour checks the course's README.md and README.ko.md.
 *
 * <p>Here: the fences, run side by side, and each line sent to its kind. {@link ReadmeCommand}
 * finds the fences and lines; {@link ReadmeProgram} turns a line into the java command of our
 * program ({@code ./mvnw … exec:exec -Dmain=NAME} as {@code tcpip.cli.Run} would start it, so no
 * Maven start-up is paid per line; MavenRunCommandTest in chapter02-lifecycle runs the pattern through Maven
 * for real once); {@link BackgroundServer} runs a {@code # runs until Ctrl-C} server on port 0
 * and puts the port the kernel gave it in place of the README's port in the fence's later lines;
 * {@link ForegroundCommand} runs a line to its end (non-zero exit or an unknown option fails; a
 * demo run with only stage selection is checked with {@code --list}); {@link ManualCommand} checks
 * a {@code ```bash manual} line's flags against the program's {@code --help}.
 */
public final class ReadmeCommands {

    /**
     * Fences run this many at a time: most of their time is JVM start-up and waiting on sockets. Not
     * more: the four chapters check their READMEs side by side on 2 cores, and 8 fences each starting
     * JVMs at once left a server without its first line within 30 s (load 25-33).
     */
    private static final int PARALLEL_FENCES = 4;

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
                    run.get(ForegroundCommand.LIMIT.toSeconds() * 2, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause();
                }
            }));
        }
        pool.shutdown();
        return tests.stream();
    }

    /**
     * {@link #tests} of {@code readme} (a {@code README.md}), plus one test that its Korean twin
     * ({@code README.ko.md} beside it) shows the very same commands, fence by fence (number, kind, text;
     * not line numbers): the commands then run once, from {@code readme}, and a command only the twin
     * had would fail that test instead of never running.
     */
    public static Stream<DynamicTest> testsWithKoreanTwin(String readme, LongFunction<Optional<Integer>> listeningPort)
            throws IOException {
        String twin = readme.replaceFirst("README\\.md$", "README.ko.md");
        DynamicTest same = DynamicTest.dynamicTest(twin + " shows the commands of " + readme, () -> {
            List<String> english = commandsAsRun(readme);
            assertThat(english).as("commands of %s", readme).isNotEmpty();
            assertThat(commandsAsRun(twin)).as("%s must show the commands of %s, fence by fence (they run once, from %s;"
                    + " a command only one of them has would never run)", twin, readme, readme).isEqualTo(english);
        });
        return Stream.concat(Stream.of(same), tests(readme, listeningPort));
    }

    /** A README's commands as they run: fence number, kind (manual, background) and text; not their line numbers. */
    static List<String> commandsAsRun(String readme) throws IOException {
        return ReadmeCommand.parse(Path.of(readme), Files.readAllLines(root().resolve(readme))).stream()
                .map(c -> "fence " + c.fence() + (c.manual() ? " manual" : "") + (c.background() ? " background" : "")
                        + ": " + c.text())
                .toList();
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
                Optional<ReadmeProgram> program = ReadmeProgram.of(c, ports);
                if (c.manual()) {
                    ManualCommand.check(c, program);
                } else if (c.background()) {
                    background.add(BackgroundServer.start(c, listeningPort, program.orElseThrow(
                            () -> new AssertionError(c.where() + ": only our programs may run in the background")),
                            ports));
                } else {
                    ForegroundCommand.run(c, program);
                }
            }
        } finally {
            for (Process p : background) {
                BackgroundServer.stop(p);
            }
        }
    }
}
