package tcpip.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import tcpip.lifecycle.backlog.NonAcceptingServer;
import tcpip.lifecycle.creation.SocketCreationProbe;
import tcpip.lifecycle.handshake.HandshakeClient;
import tcpip.lifecycle.handshake.HandshakeServer;
import tcpip.lifecycle.options.BufferOptionsClient;
import tcpip.lifecycle.options.EarlyOptionsServer;
import tcpip.lifecycle.refused.RetryingConnectClient;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

/**
 * Every main: --help works and states its defaults; bad arguments give one line and exit 2.
 * Durations are strict: {@code 2d} is no unit, {@code 600h} is beyond any deadline, {@code 0s}
 * is refused wherever zero would mean "no deadline"; a host that is not an IP literal fails at once.
 */
@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MainsCliTest {

    @Test
    void lateAcceptServer() {
        CliContract.assertHelpAndBadArguments(LateAcceptServer.class, new String[] {"--busy", "2d"});
    }

    @Test
    void lateAcceptClient() {
        CliContract.assertHelpAndBadArguments(LateAcceptClient.class, new String[] {"--connections", "0"},
                new String[] {"--host", "localhots"});
    }

    @Test
    void socketCreationProbe() {
        CliContract.assertHelpAndBadArguments(SocketCreationProbe.class, new String[] {"--host", "no-such-host.invalid"});
    }

    @Test
    void handshakeServer() {
        CliContract.assertHelpAndBadArguments(HandshakeServer.class, new String[] {"--read-timeout", "2d"},
                new String[] {"--read-timeout", "600h"}, new String[] {"--read-timeout", "0s"});
    }

    @Test
    void handshakeClient() {
        CliContract.assertHelpAndBadArguments(HandshakeClient.class, new String[] {"--timeout", "2d"},
                new String[] {"--host", "localhots"});
    }

    @Test
    void nonAcceptingServer() {
        CliContract.assertHelpAndBadArguments(NonAcceptingServer.class, new String[] {"--duration", "0s"});
    }

    @Test
    void retryingConnectClient() {
        CliContract.assertHelpAndBadArguments(RetryingConnectClient.class, new String[] {"--deadline", "0s"});
    }

    @Test
    void earlyOptionsServer() {
        CliContract.assertHelpAndBadArguments(EarlyOptionsServer.class, new String[] {"--backlog", "0"});
    }

    @Test
    void bufferOptionsClient() {
        CliContract.assertHelpAndBadArguments(BufferOptionsClient.class, new String[] {"--host", "10.0.0"});
    }

    @Test
    void lifecycleDemo() {
        CliContract.assertHelpAndBadArguments(LifecycleDemo.class, new String[] {"--only", "no-such-stage"});
    }

    @Test
    void helpStatesTheSafeDefaults() {
        MainRunner.Result server = MainRunner.runHere(Duration.ofSeconds(20), HandshakeServer.class, "--help");
        assertThat(server.stdout()).contains("--max-connections").contains("(default: 1000)")
                .contains("--read-timeout").contains("(default: 30s)").contains("--backlog").contains("(default: 1024)");
    }
}
