package tcpip.echo;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.echo.blocking.PlainEchoServer;
import tcpip.testing.CliContract;
import tcpip.echo.blocking.EchoClient;
import tcpip.echo.blocking.EchoServer;
import tcpip.echo.nio.NioEchoClient;
import tcpip.echo.nio.NioEchoServer;
import tcpip.echo.selector.SelectorEchoServer;

/**
 * Every main answers --help and turns bad arguments into one line and exit code 2; durations are
 * strict: {@code 2d} (no such unit), {@code 600h} (past the 24 h limit) and {@code 0s} (no
 * deadline at all) are refused, not read as something else.
 */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandLineTest {

    @Test
    void echoServer() {
        CliContract.assertHelpAndBadArguments(EchoServer.class, new String[] {"--mode", "forking"},
                new String[] {"--port", "70000"}, new String[] {"--read-deadline", "soon"},
                new String[] {"--max-connections", "0"}, new String[] {"--read-deadline", "2d"},
                new String[] {"--read-deadline", "600h"}, new String[] {"--write-deadline", "0s"},
                new String[] {"--send-buffer", "1G"});
    }

    @Test
    void echoClient() {
        CliContract.assertHelpAndBadArguments(EchoClient.class, new String[] {"--ping", "10", "--load", "10"},
                new String[] {"--size", "big"}, new String[] {"--port"}, new String[] {"--ping", "-1"},
                new String[] {"--timeout", "0s"}, new String[] {"--host", "exmaple.invalid"});
    }

    @Test
    void nioEchoServer() {
        CliContract.assertHelpAndBadArguments(NioEchoServer.class, new String[] {"--max-connections", "none"},
                new String[] {"--port", "-1"}, new String[] {"--write-deadline", "2d"});
    }

    @Test
    void selectorEchoServer() {
        CliContract.assertHelpAndBadArguments(SelectorEchoServer.class, new String[] {"--read-deadline", "0s"},
                new String[] {"--write-deadline", "600h"});
    }

    @Test
    void nioEchoClient() {
        CliContract.assertHelpAndBadArguments(NioEchoClient.class, new String[] {"--timeout", "x"},
                new String[] {"extra"}, new String[] {"--timeout", "2d"});
    }

    @Test
    void echoDemo() {
        CliContract.assertHelpAndBadArguments(EchoDemo.class, new String[] {"--only", "no-such-stage"});
    }

    @Test
    void plainEchoServer() {
        CliContract.assertHelpAndBadArguments(PlainEchoServer.class, new String[] {"--port", "-1"});
    }
}
