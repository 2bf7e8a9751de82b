package tcpip.lifecycle.homework;

import org.junit.jupiter.api.parallel.Isolated;
import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import tcpip.testing.Weight;

/** Grades ReachabilityProbe: listening, refused and no answer, told apart by one connect(). */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
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

    /** One of the three findings, and the one that needs the timeout: a probe that misses it keeps at most half. */
    @Test
    @Weight(2)
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

    /**
     * Any positive timeout is a timeout: under 1 ms it must not turn into connect()'s 0 ("wait forever"), and 30 days
     * do not fit an int of milliseconds (a plain cast makes them negative, which connect() refuses).
     */
    @Test
    void timeoutsUnderAMillisecondAndOfDaysWorkToo() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
                Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort())) {
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            Result r = Within.call(Duration.ofSeconds(3), "probe with a 0.5 ms timeout of a port whose accept queue is"
                    + " full (a timeout that became 0, i.e. forever?)", () -> ReachabilityProbe.probe(
                            new InetSocketAddress(LOOPBACK, full.getLocalPort()), Duration.ofNanos(500_000)));
            assertThat(r.reachability()).as("a 0.5 ms timeout against dropped SYNs: (int) toMillis() is 0, and"
                    + " connect(address, 0) waits forever; wait at least 1 ms").isEqualTo(Reachability.NO_ANSWER);
        }
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            Result r = Within.call(Duration.ofSeconds(3), "probe with a 30-day timeout", () -> ReachabilityProbe.probe(
                    new InetSocketAddress(LOOPBACK, server.getLocalPort()), Duration.ofDays(30)));
            assertThat(r.reachability()).as("a listening server probed with a 30-day timeout (more milliseconds than an"
                    + " int holds: cap them at Integer.MAX_VALUE)").isEqualTo(Reachability.LISTENING);
        }
    }

    /**
     * 30 days against dropped SYNs: the probe is still waiting a second later. More milliseconds than an int holds must
     * not wrap: {@code (int) toMillis()} of 30 days is negative (50 days: about 7 hours), and {@code Math.max(1, ...)}
     * then makes it 1 ms, a probe that gives up at once.
     */
    @Test
    void aThirtyDayTimeoutKeepsWaitingForAnAnswer() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket full = new ServerSocket(0, 1, LOOPBACK);
                Socket first = new Socket(LOOPBACK, full.getLocalPort());
                Socket second = new Socket(LOOPBACK, full.getLocalPort())) {
            // backlog 1 holds two finished connections; after that the kernel drops SYNs.
            KernelAwait.await(full.getLocalPort(), first.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            KernelAwait.await(full.getLocalPort(), second.getLocalPort(), TcpState.ESTABLISHED, Duration.ofSeconds(5));
            CountDownLatch probing = new CountDownLatch(1);
            FutureTask<Result> probe = new FutureTask<>(() -> {
                probing.countDown();
                return ReachabilityProbe.probe(new InetSocketAddress(LOOPBACK, full.getLocalPort()), Duration.ofDays(30));
            });
            // a platform thread, as in Within: connect() cannot be interrupted there, so the listener's close ends it
            Thread thread = Thread.ofPlatform().daemon().name("exercise: probe with a 30-day timeout").start(probe);
            try {
                assertThat(probing.await(5, TimeUnit.SECONDS)).as("the probe's thread started").isTrue();
                Result r;
                try {
                    r = probe.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException stillWaiting) {
                    return; // what a 30-day timeout does a second in
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception x) {
                        throw x;
                    }
                    if (e.getCause() instanceof Error x) {
                        throw x;
                    }
                    throw e;
                }
                fail("a probe with a 30-day timeout of a port whose accept queue is full returned %s after %d ms: it"
                        + " must still be waiting. 30 days are more milliseconds than an int holds: (int) toMillis()"
                        + " wraps to a negative or tiny number; cap them at Integer.MAX_VALUE (Math.clamp(ms, 1, Integer.MAX_VALUE))",
                        r.reachability(), r.took().toMillis());
            } finally {
                full.close(); // the probe's next SYN (the kernel resends it 1, 3, 7 s in) meets an RST: connect() ends
                thread.join(5_000);
            }
        }
    }

    /** Only an RST is REFUSED: an address that cannot even be resolved is another I/O error, and is thrown. */
    @Test
    void otherIoErrorsAreThrownNotCalledRefused() throws Exception {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("unresolved.invalid", 7007);
        try {
            Result r = Within.call(Duration.ofSeconds(3), "probe of an unresolved address",
                    () -> ReachabilityProbe.probe(unresolved, TIMEOUT));
            fail("probe() of an address that cannot be resolved returned %s: no SYN was ever sent, so nothing was refused;"
                    + " let other IOExceptions (here UnknownHostException) out", r);
        } catch (java.io.IOException expected) {
            // UnknownHostException: what connect() throws for an unresolved address
        }
    }
}
