package tcpip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

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
    void sizesAndDurations() {
        assertThat(Cli.parseSize("64K")).isEqualTo(65_536);
        assertThat(Cli.parseSize("1_000")).isEqualTo(1000);
        assertThat(Cli.parseSize("2g")).isEqualTo(2L << 30);
        assertThatThrownBy(() -> Cli.parseSize("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Cli.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Cli.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Cli.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Cli.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Cli.parseDuration("-1s")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void durationsAreStrict() {
        // "2d" used to be read as 2 seconds (Double.parseDouble accepts a 'd' suffix); a bare number too.
        for (String bad : new String[] {"2d", "3", "1.5ms", "5 s", "s", "1e3s", "9999999999h", "-1s"}) {
            assertThatThrownBy(() -> Cli.parseDuration(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("500ms");
        }
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
}
