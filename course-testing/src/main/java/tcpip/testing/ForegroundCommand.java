package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A README line run to its end: it must exit 0 and know every option it was given. A chapter
 * demo run with only stage selection is checked with {@code --list} instead (the guided tour runs
 * every stage end to end); a line that is not one of our programs runs in bash from the root.
 */
final class ForegroundCommand {

    /** The longest a line may run. */
    static final Duration LIMIT = Duration.ofSeconds(90);
    /**
     * This JVM's working directory: a program that runs there (exec:exec of this module) runs in the child JVM
     * CliFuzz keeps (one JVM start for all of them; a thread left running still fails the line), others, and a
     * main that may move into a private network namespace, in a process of their own.
     */
    private static final Path HERE = Path.of("").toAbsolutePath().normalize();
    /** A line that passed in this JVM is not run again (a README may show the same command in two fences). */
    private static final Set<String> PASSED = ConcurrentHashMap.newKeySet();

    private ForegroundCommand() {
    }

    static void run(ReadmeCommand c, Optional<ReadmeProgram> program) {
        if (program.isPresent() && isWholeDemo(program.get())) {
            checkWholeDemo(c, program.get());
            return;
        }
        List<String> command = program.map(ReadmeProgram::command).orElseGet(() -> shellCommand(c));
        Path dir = program.map(ReadmeProgram::dir).orElse(ReadmeCommands.root());
        String key = dir + " " + command;
        if (PASSED.contains(key)) {
            return;
        }
        CommandRun r = program.isPresent() && dir.equals(HERE) && !movesToANamespace(program.get().mainClass())
                ? CliFuzz.runOne(program.get().mainClass(), program.get().args(), LIMIT) // in the shared child JVM
                : CommandRun.run(dir, LIMIT.toSeconds(), command.toArray(String[]::new));
        if (r.exitCode() == 127) {
            fail(c.where() + ": '" + c.text() + "' needs a tool CI may not have; put it in a ```bash manual fence");
        }
        assertThat(r.exitCode()).as("%s: '%s' exit code; output:%n%s", c.where(), c.text(), r.output()).isZero();
        ReadmeProgram.assertNoUnknownOption(c, r.output());
        PASSED.add(key);
    }

    /**
     * A chapter demo (whole, or one stage with {@code --only}): the guided tour runs every stage of
     * every {@code *Demo} end to end in one JVM (GuidedTourTest, which also checks that it has them
     * all), so running them again here would prove nothing new. Here: the main accepts these
     * arguments ({@code --list} with them), the named stage exists, and the class is a {@code *Demo}
     * or the tour itself.
     */
    private static boolean isWholeDemo(ReadmeProgram p) {
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

    /**
     * True if the main may continue in a private network namespace ({@code PrivateNetwork.enter}: a normal user's
     * packets): it does so only as a process of its own, so it runs as one here too, as a learner would run it.
     */
    static boolean movesToANamespace(String mainClass) {
        ClassFileCalls calls = ClassFileCalls.read(mainClass.replace('.', '/'));
        return calls == null || calls.methods().getOrDefault("main([Ljava/lang/String;)V", List.of()).stream()
                .anyMatch(m -> m.startsWith("tcpip/cli/PrivateNetwork.enter("));
    }

    private static void checkWholeDemo(ReadmeCommand c, ReadmeProgram p) {
        List<String> args = new ArrayList<>(p.args());
        args.add("--list");
        int only = Math.max(p.args().indexOf("--only"), p.args().indexOf("--stage"));
        CommandRun r = CliFuzz.runOne(p.mainClass(), args, LIMIT); // --list reads no file: any directory will do
        assertThat(r.exitCode()).as("%s: '%s --list' exit code; output:%n%s", c.where(), c.text(), r.output()).isZero();
        ReadmeProgram.assertNoUnknownOption(c, r.output());
        List<String> listed = r.output().lines().filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")[0]).toList();
        if (only >= 0) {
            assertThat(listed).as("%s: %s has a stage %s", c.where(), p.mainClass(), p.args().get(only + 1))
                    .contains(p.args().get(only + 1));
        }
        assertThat(p.mainClass()).as("%s: a demo whose stages the guided tour runs is named *Demo (the tour's test "
                + "checks that it runs every stage of every *Demo), or is the tour itself", c.where())
                .matches(".*(Demo|\\.GuidedTour)$");
    }

    private static List<String> shellCommand(ReadmeCommand c) {
        String first = ReadmeCommand.words(c.text()).get(0);
        if (first.equals("./mvnw")) {
            fail(c.where() + ": a ./mvnw line other than exec:exec and verify costs a Maven start per doc run; "
                    + "document it in a ```bash manual fence: " + c.text());
        }
        return List.of("bash", "-c", c.text());
    }
}
