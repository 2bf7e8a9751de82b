package tcpip.lifecycle.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.Descriptors;
import tcpip.kernel.Descriptors.Descriptor;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketTable;
import tcpip.kernel.TcpState;
import tcpip.lifecycle.refused.ReservedPort;
import tcpip.lifecycle.homework.ReachabilityProbe.Reachability;
import tcpip.lifecycle.homework.ReachabilityProbe.Result;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;

/** Grades ReachabilityProbe: listening, refused and no answer, told apart by one connect(). */
@ExtendWith(TodoHint.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReachabilityProbeGradedTest {

    /** Points in the score table. */
    static final int POINTS = 8;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(ReachabilityProbe.class);

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @Test
    void aListeningServerIsListeningAndTheProbeLeavesNoDescriptorBehind() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            List<Descriptor> before = Descriptors.tcpSockets();
            Result r = ReachabilityProbe.probe(new InetSocketAddress(LOOPBACK, server.getLocalPort()), TIMEOUT);
            assertThat(r.reachability()).as("the kernel answered the SYN with SYN+ACK: connect() returned normally")
                    .isEqualTo(Reachability.LISTENING);
            assertThat(Descriptors.newTcpSockets(before))
                    .as("the probe must close its socket (try-with-resources) or every probe leaks a descriptor")
                    .isEmpty();
        }
    }

    @Test
    void aPortNobodyListensOnIsRefusedQuickly() throws Exception {
        try (ReservedPort reserved = ReservedPort.onLoopback()) {
            Result r = ReachabilityProbe.probe(new InetSocketAddress(LOOPBACK, reserved.port()), Duration.ofSeconds(2));
            assertThat(r.reachability()).as("the kernel answered the SYN with RST, which Java throws as ConnectException")
                    .isEqualTo(Reachability.REFUSED);
            assertThat(r.took()).as("an RST comes back at once; waiting for the timeout would be wrong")
                    .isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void aFullAcceptQueueGivesNoAnswerUntilTheTimeout() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
                Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort())) {
            // backlog 1 holds two finished connections; after that the kernel drops SYNs.
            KernelAwait.await(full.getLocalPort(), first.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            Result r = Within.call(TIMEOUT.plusSeconds(3), "probe of a port whose accept queue is full",
                    () -> ReachabilityProbe.probe(new InetSocketAddress(LOOPBACK, full.getLocalPort()), TIMEOUT));
            assertThat(r.reachability()).as("the SYN was dropped: connect(address, timeout) must throw"
                    + " SocketTimeoutException, which means NO_ANSWER (pass the timeout to connect!)")
                    .isEqualTo(Reachability.NO_ANSWER);
            assertThat(r.took()).as("silence is only noticed when the timeout runs out; measure around connect()")
                    .isGreaterThanOrEqualTo(TIMEOUT.minusMillis(20));
        }
    }
}
