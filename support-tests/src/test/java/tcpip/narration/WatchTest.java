package tcpip.narration;

import org.junit.jupiter.api.parallel.Isolated;
import tcpip.kernel.SocketTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tcpip.testing.CliContract;
import tcpip.testing.MainRunner;

@Isolated // runs mains in this JVM (they swap its stdout and language): nothing may run beside it
class WatchTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void helpAndBadArguments() {
        CliContract.assertHelpAndBadArguments(Watch.class, new String[] {"--port", "x"},
                new String[] {"--port", "70000"}, new String[] {"--interval", "soon"}, new String[] {"--port"});
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void reportsAListeningSocketByItsStateName() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            MainRunner.Result r = MainRunner.run(Duration.ofSeconds(20), Watch.class,
                    "--port", String.valueOf(server.getLocalPort()), "--duration", "300ms");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).contains("exists").contains("LISTEN").contains("waiting for SYNs");
        }
    }
}
