package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.cli.Cli;

/**
 * The fuzz catches each way a main can mishandle a bad value (a stack trace, a value taken and run
 * with, two lines, a raw escape, an error that names nothing), and a main still running at the limit
 * does not stop the cases after it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliFuzzTest {

    /*
     * The mains end through Cli.exit, as every course main does: where narration-cli is on the class path, as in
     * every chapter and here, the fuzz's child JVM runs each case in-process (InProcess), and Cli.exit ends the
     * case, not that JVM.
     */

    /** A main with one flag, --quiet, that refuses everything else in one clear line. */
    public static final class Strict {
        public static void main(String[] args) {
            if (args.length == 1 && args[0].equals("--help")) {
                System.out.println("Usage: Strict [options]\n\nOptions:\n  --quiet    say less\n  -h, --help");
                Cli.exit(0);
                return;
            }
            System.err.println("Strict: " + args[0].split("=", 2)[0] + " is not allowed here");
            Cli.exit(2);
        }
    }

    /** The same flag, but: a stack trace for an unknown option, a stray word taken and run with, --quiet=yes ignored. */
    public static final class Sloppy {
        public static void main(String[] args) throws InterruptedException {
            if (args.length == 1 && args[0].equals("--help")) {
                System.out.println("Usage: Sloppy [options]\n\nOptions:\n  --quiet    say less\n  -h, --help");
                return;
            }
            switch (args[0]) {
                case "--no-such-flag" -> throw new IllegalArgumentException(args[0]);
                case "stray" -> new CountDownLatch(1).await(); // serves forever, as a server that took the value
                default -> Cli.exit(0);
            }
        }
    }

    /**
     * One option of each kind the fuzz has values for (no path or text: those are checked where a main uses them),
     * parsed by the code every course main shares. CliTest.EveryKind has every kind too, for its hand-picked spellings.
     */
    public static final class FuzzKinds {
        enum Side { CLIENT, SERVER }

        public static void main(String[] args) {
            Cli cli = new Cli("FuzzKinds", "one option of each kind the fuzz knows");
            cli.port(7007);
            cli.host();
            cli.bind();
            cli.intOption("--count", 1, 1, 1_000, "a whole number");
            cli.sizeOption("--size", 1024, 1, 1L << 30, "a size");
            cli.durationOption("--wait", Duration.ofSeconds(1), "a time");
            cli.enumOption("--side", Side.class, Side.CLIENT, "a choice");
            cli.parse(args);
            cli.run(() -> { }); // every value taken: exit 0, which the fuzz reports
        }
    }

    /**
     * The parsers every main shares meet every bad value the fuzz knows (a chapter's fuzz gives each option of its
     * mains {@link CliFuzz#SAMPLE} of its kind's values, a different pair per main and option).
     */
    @Test
    void theSharedParsersRefuseEveryBadValueOfEveryKind() {
        CliFuzz fuzz = CliFuzz.of(FuzzKinds.class).everyValue();
        List<CliFuzz.Outcome> outcomes = fuzz.run();
        List<String> values = outcomes.stream().filter(o -> o.args().size() == 2).map(o -> o.args().get(1)).toList();
        for (String kindValue : CliFuzz.BAD.values().stream().flatMap(List::stream).toList()) {
            assertThat(values).as("cases given to the shared parsers").contains(kindValue);
        }
        fuzz.assertRefused(outcomes);
    }

    @Test
    void eachOptionGetsTwoValuesOfItsKindAndAllOfThemAcrossOptions() {
        List<String> time = CliFuzz.BAD.get("TIME");
        assertThat(CliFuzz.sample(time, "Main --wait")).hasSize(CliFuzz.SAMPLE).isSubsetOf(time);
        assertThat(CliFuzz.sample(time, "Main --wait")).as("the same main and option: the same values")
                .isEqualTo(CliFuzz.sample(time, "Main --wait"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            seen.addAll(CliFuzz.sample(time, "Main" + i + " --wait"));
        }
        assertThat(seen).as("values given across 200 options").containsExactlyInAnyOrderElementsOf(time);
        assertThat(CliFuzz.sample(CliFuzz.BAD.get("CHOICE").subList(0, 2), "x")).hasSize(2);
    }

    @Test
    void aMainThatRefusesEveryBadValueInOneLinePasses() {
        CliFuzz.of(Strict.class).limit(Duration.ofSeconds(20)).assertEveryBadValueRefused();
    }

    @Test
    void aStackTraceAValueTakenAndAnIgnoredFlagAreEachFound() {
        CliFuzz fuzz = CliFuzz.of(Sloppy.class).limit(Duration.ofSeconds(5)); // 2 s was too short for a fresh child JVM at load 25
        List<CliFuzz.Outcome> outcomes = fuzz.run();
        assertThat(outcomes).extracting(CliFuzz.Outcome::shown).containsExactly("--no-such-flag", "stray",
                "--quiet=yes");
        assertThat(outcomes).extracting(CliFuzz.Outcome::problem).containsExactly("a stack trace",
                "accepted: still running after the time limit", "accepted: exit 0");
        assertThatThrownBy(() -> fuzz.assertRefused(outcomes))
                .hasMessageContaining("Sloppy stray -> accepted: still running");
    }

    @Test
    void aRefusalMustBeOneCleanLineThatNamesTheFlagOrTheValue() {
        assertThat(outcome(List.of("--port", "x"), 2, "P: --port expects a number, got 'x'\n").problem()).isNull();
        assertThat(outcome(List.of("--only", "nope"), 2, "P: no stage 'nope' (try --list)\n").problem()).isNull();
        assertThat(outcome(List.of("--port", "1\nforged"), 2, "P: --port got '1\nforged'\n").problem())
                .isEqualTo("more than one line");
        assertThat(outcome(List.of("--port", "\u001b[2J"), 2, "P: --port got '\u001b[2J'\n").problem())
                .isEqualTo("a raw control or format character in the line");
        assertThat(outcome(List.of("--port", "\u202e1"), 2, "P: --port got '\u202e1'\n").problem())
                .isEqualTo("a raw control or format character in the line");
        assertThat(outcome(List.of("--port", "٣"), 1, "P: ConnectException: Connection refused\n").problem())
                .isEqualTo("the line names neither --port nor its value");
        assertThat(outcome(List.of("--html", ""), 1, "P: FileSystemException: : Is a directory\n").problem())
                .as("an empty value is named by nothing").isEqualTo("the line names neither --html nor its value");
        assertThat(outcome(List.of("--port", "x"), 2, "").problem()).isEqualTo("exit 2 with nothing on stderr");
    }

    private static CliFuzz.Outcome outcome(List<String> args, int exit, String stderr) {
        return new CliFuzz.Outcome(args, exit, "", stderr);
    }
}
