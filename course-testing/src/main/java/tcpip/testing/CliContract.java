package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * The command-line contract every main in this collection keeps, checked in this JVM
 * ({@link MainRunner#runHere}: Cli's exits become returns):
 * {@code --help} prints a usage and exits 0; a bad argument prints one line (no stack trace)
 * and exits 2.
 */
public final class CliContract {

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private CliContract() {
    }

    /** Asserts --help works and each bad argument list is refused with one clear line. */
    public static void assertHelpAndBadArguments(Class<?> main, String[]... badArgumentLists) {
        MainRunner.Result help = MainRunner.runHere(LIMIT, main, "--help");
        assertThat(help.exitCode()).as("exit code of %s --help (stderr: %s)", main.getSimpleName(), help.stderr())
                .isZero();
        assertThat(help.stdout()).as("%s --help", main.getSimpleName()).contains("Usage:").contains("--help");

        MainRunner.Result unknown = MainRunner.runHere(LIMIT, main, "--no-such-option");
        assertOneLineError(main, unknown, "--no-such-option");
        for (String[] bad : badArgumentLists) {
            assertOneLineError(main, MainRunner.runHere(LIMIT, main, bad), String.join(" ", bad));
        }
    }

    private static void assertOneLineError(Class<?> main, MainRunner.Result r, String args) {
        assertThat(r.exitCode()).as("exit code of %s %s (stderr: %s)", main.getSimpleName(), args, r.stderr())
                .isEqualTo(2);
        assertThat(r.stderr().strip().lines().count()).as("%s %s should print one line, printed:%n%s",
                main.getSimpleName(), args, r.stderr()).isEqualTo(1);
        assertThat(r.stderr()).doesNotContain("Exception in thread").doesNotContain("\tat ");
    }
}
