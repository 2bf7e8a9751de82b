package tcpip.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tcpip.cli.Cli;
import tcpip.cli.UsageException;
import tcpip.net.AcceptLoop;

/**
 * Issue 13 item 9: every server of this chapter takes its address, cap and deadlines from
 * {@link ServerOptions}, so checking them here covers all of them: strict durations (2d, 600h
 * and 0s are errors), a cap of at least one, IP literals only, safe defaults stated in --help.
 */
class ServerOptionsTest {

    private static Cli cli(ServerOptions[] holder) {
        Cli cli = new Cli("TestServer", "test");
        holder[0] = new ServerOptions(cli, 7, true);
        return cli;
    }

    @Test
    void badDurationsCapsAndHostsAreUsageErrors() {
        for (String[] bad : new String[][] {{"--read-timeout", "2d"}, {"--read-timeout", "600h"}, {"--read-timeout", "0s"},
            {"--read-timeout", "5"}, {"--write-timeout", "0s"}, {"--write-timeout", "25h"}, {"--max-connections", "0"},
            {"--bind", "no.such.host"}}) {
            assertThatThrownBy(() -> cli(new ServerOptions[1]).parseOrHelp(bad)).as(String.join(" ", bad))
                    .isInstanceOf(UsageException.class);
        }
    }

    @Test
    void goodValuesAndDefaults() throws UsageException {
        ServerOptions[] o = new ServerOptions[1];
        cli(o).parseOrHelp(new String[] {});
        assertThat(o[0].limits().maxConnections()).isEqualTo(7);
        assertThat(o[0].readTimeout()).isEqualTo(AcceptLoop.DEFAULT_READ_DEADLINE);
        Cli cli = cli(o);
        java.io.ByteArrayOutputStream help = new java.io.ByteArrayOutputStream();
        cli.usage(new java.io.PrintStream(help, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(help.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("--max-connections")
                .contains("--read-timeout").contains("--write-timeout").contains("(default: 30s)");
        cli.parseOrHelp(new String[] {"--read-timeout", "1.5s", "--max-connections", "3", "--bind", "::1"});
        assertThat(o[0].readTimeout()).isEqualTo(Duration.ofMillis(1_500));
        assertThat(o[0].limits().maxConnections()).isEqualTo(3);
    }
}
