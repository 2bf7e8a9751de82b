package tcpip.lifecycle;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.CliContract;

/** Every main: --help works, bad arguments give one line and exit 2. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainsCliTest {

    @Test
    void socketCreationProbe() {
        CliContract.assertHelpAndBadArguments(SocketCreationProbe.class, new String[] {"--port", "70000"});
    }

    @Test
    void handshakeServer() {
        CliContract.assertHelpAndBadArguments(HandshakeServer.class, new String[] {"--read-timeout", "soon"});
    }

    @Test
    void handshakeClient() {
        CliContract.assertHelpAndBadArguments(HandshakeClient.class, new String[] {"--connections", "0"});
    }

    @Test
    void nonAcceptingServer() {
        CliContract.assertHelpAndBadArguments(NonAcceptingServer.class, new String[] {"--backlog", "-1"});
    }

    @Test
    void retryingConnectClient() {
        CliContract.assertHelpAndBadArguments(RetryingConnectClient.class, new String[] {"--deadline"});
    }

    @Test
    void earlyOptionsServer() {
        CliContract.assertHelpAndBadArguments(EarlyOptionsServer.class, new String[] {"--rcvbuf-on", "socket"});
    }

    @Test
    void bufferOptionsClient() {
        CliContract.assertHelpAndBadArguments(BufferOptionsClient.class, new String[] {"--rcvbuf", "lots"});
    }

    @Test
    void lifecycleDemo() {
        CliContract.assertHelpAndBadArguments(LifecycleDemo.class, new String[] {"--only", "no-such-stage"});
    }
}
