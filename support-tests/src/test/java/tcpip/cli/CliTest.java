package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
class CliTest {

    enum Mode { ITERATIVE, THREAD_PER_CLIENT, VIRTUAL }

    @Test
    void aFailedCallReadsTheSameOnEveryJdkTheKernelsWordsWithoutTheCallName() {
        assertThat(Cli.describe(new java.net.ConnectException("Connection refused (connect failed)")))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(Cli.describe(new java.net.ConnectException("Connection refused")))
                .isEqualTo("ConnectException: Connection refused");
        assertThat(Cli.describe(new java.net.BindException("Address already in use (Bind failed)")))
                .as("only the JDK's lower-case suffix goes").endsWith("(Bind failed)");
        assertThat(Cli.describe(new java.io.IOException("a (b failed) c"))).endsWith("(b failed) c");
        assertThat(Cli.describe(new java.io.EOFException())).isEqualTo("EOFException");
    }

    @Test
    void defaultsAndGivenValues() throws Exception {
        Cli cli = new Cli("Demo", "a demo");
        Cli.Option<Integer> port = cli.port(7007);
        Cli.Option<String> host = cli.host();
        Cli.Option<Mode> mode = cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, "mode");
        Cli.Option<Duration> idle = cli.durationOption("--idle-timeout", Duration.ofSeconds(30), "idle");
        Cli.Option<Long> size = cli.sizeOption("--size", 64, 1, 1L << 30, "size");
        Cli.Option<Boolean> quiet = cli.flag("--quiet", "quiet");
        assertThat(cli.parseOrHelp(new String[] {"--port", "0", "--mode=thread-per-client", "--idle-timeout", "250ms",
            "--size", "1MiB", "--quiet"})).isFalse();
        assertThat(port.get()).isZero();
        assertThat(port.given()).isTrue();
        assertThat(host.get()).isEqualTo("127.0.0.1");
        assertThat(host.given()).isFalse();
        assertThat(mode.get()).isEqualTo(Mode.THREAD_PER_CLIENT);
        assertThat(idle.get()).isEqualTo(Duration.ofMillis(250));
        assertThat(size.get()).isEqualTo(1L << 20);
        assertThat(quiet.get()).isTrue();
    }

    @Test
    void helpIsRecognisedAndListsDefaults() throws Exception {
        Cli cli = new Cli("Demo", "a demo");
        cli.port(7007);
        cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, "mode");
        assertThat(cli.parseOrHelp(new String[] {"--help"})).isTrue();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cli.usage(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Usage: Demo").contains("(default: 7007)")
                .contains("iterative|thread-per-client|virtual").contains("(default: virtual)");
    }

    @Test
    void badInputIsOneLineNamingTheProgram() {
        Cli cli = new Cli("Demo", "a demo");
        cli.port(7007);
        cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, "mode");
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--port", "70000"}))
                .isInstanceOf(UsageException.class).hasMessage("Demo: --port must be between 0 and 65535, got 70000 (try --help)");
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--port"}))
                .hasMessage("Demo: --port needs a value N (try --help)");
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--mode", "fast"}))
                .hasMessageContaining("expects one of iterative|thread-per-client|virtual");
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"stray"}))
                .hasMessage("Demo: unknown argument 'stray' (try --help)");
    }

    @Test
    void durationFlagsAreRangeChecked() throws Exception {
        Cli cli = new Cli("T", "t");
        Cli.Option<Duration> read = cli.durationOption("--read-timeout", Duration.ofSeconds(30), "read deadline");
        Cli.Option<Duration> linger = cli.durationOption("--drain", Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofMinutes(5), "0 = no drain");
        // A zero where zero makes no sense, and a time too long for a socket timeout: usage errors.
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--read-timeout", "0s"}))
                .isInstanceOf(UsageException.class).hasMessageContaining("--read-timeout must be between 1ms and 24h");
        assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--read-timeout", "600h"}))
                .isInstanceOf(UsageException.class).hasMessageContaining("got '600h'");
        cli.parseOrHelp(new String[] {"--read-timeout", "2m", "--drain", "0s"});
        assertThat(read.get()).isEqualTo(Duration.ofMinutes(2));
        assertThat(linger.get()).isZero();
    }

    @Test
    void hostsAreIpLiteralsOrLocalhostSoATypoFailsAtOnce() throws Exception {
        for (String ok : new String[] {"127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0", "::ffff:127.0.0.1"}) {
            Cli cli = new Cli("T", "t");
            Cli.Option<String> host = cli.host();
            cli.parseOrHelp(new String[] {"--host", ok});
            assertThat(host.get()).as(ok).isNotBlank();
        }
        for (String bad : new String[] {"127.0.0.256", "12.0.0", "lcoalhost", "example.org", ":::1x"}) {
            Cli cli = new Cli("T", "t");
            cli.host();
            assertThatThrownBy(() -> cli.parseOrHelp(new String[] {"--host", bad})).as(bad)
                    .isInstanceOf(UsageException.class).hasMessageContaining("expects an IP address");
        }
    }

    /** A main with one option of every kind, as the flag fuzz drives them. */
    public static final class EveryKind {
        static volatile boolean ran;

        public static void main(String[] args) {
            Lang.chooseFrom(args);
            Cli cli = new Cli("EveryKind", "every kind of value");
            cli.port(7007);
            cli.host();
            cli.bind();
            cli.intOption("--clients", 4, 1, 1000, "how many");
            cli.sizeOption("--size", 64, 1, 1L << 30, "bytes");
            cli.durationOption("--read-timeout", Duration.ofSeconds(30), "per read");
            cli.durationOption("--drain", Duration.ofSeconds(1), Duration.ZERO, Duration.ofMinutes(5), "0 = none");
            cli.stringOption("--message", null, "text");
            cli.pathOption("--root", null, "a directory");
            cli.fileOption("--out", null, "a file");
            cli.enumOption("--mode", Mode.class, Mode.VIRTUAL, "mode");
            cli.flag("--quiet", "quiet");
            cli.parse(args);
            cli.run(() -> ran = true);
        }
    }

    private static final String LONG = "9".repeat(5000);

    @Test
    void everyKindOfValueRefusesWhatItCannotMeanInOneLineWithExitTwo() {
        String[][] bad = {
            {"--port", ""}, {"--port", "-1"}, {"--port", "65536"}, {"--port", LONG}, {"--port", "80\n"}, {"--port", "8\u00000"},
            {"--port", "٨٠"}, {"--host", ""}, {"--host", "example.org"}, {"--host", "::1\nforged"}, {"--host", "localho\u017Ft"},
            {"--bind", "127.0.0.1\u0000"}, {"--clients", "0"}, {"--clients", "-3"}, {"--clients", "99999999999999999999"},
            {"--size", ""}, {"--size", "0"}, {"--size", "-1"}, {"--size", "99999999999999999999G"}, {"--size", "1K\n"},
            {"--read-timeout", ""}, {"--read-timeout", "0s"}, {"--read-timeout", "-1s"}, {"--read-timeout", "999999999h"},
            {"--read-timeout", "5s\n"}, {"--drain", "6m"}, {"--message", ""}, {"--message", "a\nb"}, {"--message", "a\u0000"},
            {"--message", "\u001b[31mred"}, {"--root", ""}, {"--root", "a\u0000b"}, {"--root", "a\nb"}, {"--out", "/"},
            {"--out", ""}, {"--out", "reports/"}, {"--out", "."}, {"--out", "..\n"}, {"--mode", ""}, {"--mode", "fast"},
            {"--mode", "virtual\n"}, {"--quiet=yes"}, {"--lang", "EN-us"}, {"--lang", ""}, {"--lang", "korean"},
            {"--lang=en_US.UTF-8"}, {"--lang", "ko\n"}, {"--no-such\noption"}, {"stray\u202Eeno"}, {"x".repeat(5000)},
        };
        for (String[] args : bad) {
            EveryKind.ran = false;
            InProcess.Result r = InProcess.run(EveryKind.class, args);
            String shown = ShownValue.escaped(String.join(" ", args));
            assertThat(r.exitCode()).as("exit code of %s (stderr %s)", shown, r.stderr()).isEqualTo(Cli.EXIT_USAGE);
            assertThat(EveryKind.ran).as("%s: the program must not run", shown).isFalse();
            String line = r.stderr();
            assertThat(line).as(shown).endsWith("(try --help)" + System.lineSeparator()).startsWith("EveryKind: ");
            String body = line.substring(0, line.length() - System.lineSeparator().length());
            assertThat(body.codePoints().filter(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT))
                    .as("%s: one line, no control or format characters: %s", shown, ShownValue.escaped(line)).isEmpty();
            assertThat(body.length()).as("%s: a short line", shown).isLessThan(300);
        }
    }

    @Test
    void theGoodSpellingsStillRun() {
        String[][] good = {
            {"--port", "0", "--host", "[::1]", "--bind", "localhost", "--clients", "1_000", "--size", "64KiB"},
            {"--read-timeout", "1.5s", "--drain", "0s", "--message", "héllo, 한글", "--root", "/", "--out", "r.html"},
            {"--mode=THREAD-PER-CLIENT", "--quiet", "--lang", "KO"}, {"--lang=en", "--out", "/tmp/x/report.html"},
        };
        for (String[] args : good) {
            EveryKind.ran = false;
            InProcess.Result r = InProcess.run(EveryKind.class, args);
            assertThat(r.exitCode()).as("%s: %s", String.join(" ", args), r.stderr()).isZero();
            assertThat(EveryKind.ran).isTrue();
        }
    }
}
