package tcpip.echo;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.CliContract;

/** Every main answers --help and turns bad arguments into one line and exit code 2. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CommandLineTest {

    @Test
    void echoServer() {
        CliContract.assertHelpAndBadArguments(EchoServer.class, new String[] {"--mode", "forking"},
                new String[] {"--port", "70000"}, new String[] {"--idle-timeout", "soon"},
                new String[] {"--max-connections", "0"}, new String[] {"--idle-timeout", "0"});
    }

    @Test
    void echoClient() {
        CliContract.assertHelpAndBadArguments(EchoClient.class, new String[] {"--ping", "10", "--load", "10"},
                new String[] {"--size", "big"}, new String[] {"--port"}, new String[] {"--ping", "-1"},
                new String[] {"--timeout", "0"});
    }

    @Test
    void nioEchoServer() {
        CliContract.assertHelpAndBadArguments(NioEchoServer.class, new String[] {"--max-connections", "none"},
                new String[] {"--port", "-1"});
    }

    @Test
    void nioEchoClient() {
        CliContract.assertHelpAndBadArguments(NioEchoClient.class, new String[] {"--timeout", "x"},
                new String[] {"extra"});
    }

    @Test
    void echoDemo() {
        CliContract.assertHelpAndBadArguments(EchoDemo.class, new String[] {"--only", "no-such-stage"});
    }
}
