package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A line in a {@code ```bash manual} fence (root, optional tools, minutes-long benchmarks): not
 * run, but its program must exist and every {@code --flag} it uses must be in that program's
 * {@code --help}; a {@code ./homework} command must exist; a script must exist and parse
 * ({@code bash -n}); a path into the checkout must exist.
 */
final class ManualCommand {

    /** Each program's --help, run once per test JVM however many manual lines name it. */
    private static final Map<String, CommandRun> HELP = new ConcurrentHashMap<>();

    private ManualCommand() {
    }

    static void check(ReadmeCommand c, Optional<ReadmeProgram> program) {
        List<String> w = ReadmeCommand.words(c.text());
        Path root = ReadmeCommands.root();
        if (program.isPresent()) {
            ReadmeProgram p = program.get();
            CommandRun r = HELP.computeIfAbsent(p.mainClass(),
                    main -> CliFuzz.runOne(main, List.of("--help"), Duration.ofSeconds(60))); // no JVM start of its own
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
            CommandRun r = CommandRun.run(root, 30, "bash", "homework", "--help");
            assertThat(w).as("%s: ./homework needs a command", c.where()).hasSizeGreaterThan(1);
            assertThat(r.output()).as("%s: ./homework has no command %s", c.where(), w.get(1)).contains("  " + w.get(1) + " ");
            return;
        }
        for (String word : w) {
            if (word.matches("[\\w./-]+\\.sh")) {
                Path script = root.resolve(word);
                assertThat(script).as("%s: script %s", c.where(), word).exists();
                CommandRun syntax = CommandRun.run(root, 30, "bash", "-n", word);
                assertThat(syntax.exitCode()).as("%s: bash -n %s%n%s", c.where(), word, syntax.output()).isZero();
            }
        }
        for (String word : w) {
            if (word.contains("/") && !word.startsWith("/") && !word.startsWith("-") && !word.contains("=")
                    && word.matches("[\\w./-]+") && Files.exists(root.resolve(word.split("/")[0]))) {
                assertThat(root.resolve(word)).as("%s: %s", c.where(), word).exists();
            }
        }
    }
}
