package tcpip.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tcpip.kernel.Descriptors;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.echo.blocking.EchoClient;

/**
 * Every echo server survives clients that reset, abandon their connection, or never read: a
 * reset storm leaves no descriptor behind, dead connections do not hold the connection cap, and
 * a client that does not read is dropped by the write deadline.
 */
@Isolated // counts this JVM's socket descriptors: nothing may open one beside it
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileClientsTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final int STORM = 2_000;
    /** Long, so that a connection freed in time was freed because it died, not by this deadline. */
    static final Duration LONG_READ_DEADLINE = Duration.ofSeconds(30);
    static final Duration WRITE_DEADLINE = Duration.ofMillis(500);
    /** The watchdog's tick and a scheduler on two busy cores: how late a deadline may act. */
    static final Duration DEADLINE_SLACK = Duration.ofSeconds(3);
    static final byte[] HELLO = "hello after the storm\n".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0}")
    @EnumSource(AnyServer.Kind.class)
    void aResetStormLeavesNoDescriptorAndTheNextClientIsServed(AnyServer.Kind kind) throws Exception {
        assumeTrue(Descriptors.available(), "needs /proc/self/fd");
        try (AnyServer server = AnyServer.start(kind, EchoLimits.defaults().withReadDeadline(LONG_READ_DEADLINE))) {
            int baseline = Descriptors.tcpSockets().size();
            for (int i = 0; i < STORM; i++) {
                Socket rude = new Socket();
                rude.connect(server.address(), (int) TIMEOUT.toMillis());
                rude.setSoLinger(true, 0); // close() sends RST instead of FIN
                rude.close();
            }
            // A reset connection still in the accept queue stays there: accept() hands it out and only read()
            // sees the RST. A storm faster than the accept loop leaves hundreds queued, and "no handler counted"
            // is then only a gap between two of them: done means the kernel's queue is empty AND no handler runs.
            // (Each queued dead connection used to cost the thread-per-client server a Thread.start(), which waits
            // for the new thread to run: on a loaded machine the drain took over 10 s. Idle threads are reused now.)
            int port = server.address().getPort();
            await(() -> acceptQueue(port) == 0 && server.openConnections() == 0, TIMEOUT,
                    () -> "reset connections drained; accepted " + server.acceptedConnections() + " of " + STORM
                            + ", still queued " + acceptQueue(port) + ", handlers still counted " + server.openConnections());
            try (Socket polite = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(polite, HELLO)).isEqualTo(HELLO);
            }
            // The server closes each reset connection's descriptor, then frees its slot of the cap.
            await(() -> Descriptors.tcpSockets().size() == baseline && server.openConnections() == 0, TIMEOUT,
                    () -> "TCP descriptors back to " + baseline + ", now " + Descriptors.tcpSockets().size()
                            + "; connections still counted: " + server.openConnections());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"THREAD_PER_CLIENT", "VIRTUAL", "NIO", "SELECTOR"})
    void abandonedConnectionsDoNotHoldTheCap(AnyServer.Kind kind) throws Exception {
        int cap = 20;
        EchoLimits limits = EchoLimits.defaults().withMaxConnections(cap).withReadDeadline(LONG_READ_DEADLINE);
        try (AnyServer server = AnyServer.start(kind, limits)) {
            long start = System.nanoTime();
            List<Socket> burst = new ArrayList<>();
            for (int i = 0; i < cap * 5; i++) { // five times the cap, all connected before any leaves
                Socket s = new Socket();
                s.connect(server.address(), (int) TIMEOUT.toMillis());
                burst.add(s);
            }
            for (int i = 0; i < burst.size(); i++) {
                Socket s = burst.get(i);
                if (i % 2 == 0) {
                    s.setSoLinger(true, 0); // half reset,
                } else {
                    s.getOutputStream().write("half a li".getBytes(StandardCharsets.UTF_8)); // half leave mid-line
                }
                s.close();
            }
            // Once the server has taken the whole burst off its accept queue, dead connections must not
            // hold the cap: each slot is free again as soon as the server sees that connection's FIN or RST.
            await(() -> server.acceptedConnections() >= burst.size() && server.openConnections() == 0, TIMEOUT,
                    () -> server.acceptedConnections() + " of " + burst.size() + " accepted, "
                            + server.openConnections() + " still counted");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("dead connections freed their slots")
                    .isLessThan(LONG_READ_DEADLINE);
            try (Socket real = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(real, HELLO)).as("a real client after the burst").isEqualTo(HELLO);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(AnyServer.Kind.class)
    void aClientThatNeverReadsIsDroppedByTheWriteDeadline(AnyServer.Kind kind) throws Exception {
        EchoLimits limits = EchoLimits.defaults().withReadDeadline(LONG_READ_DEADLINE).withWriteDeadline(WRITE_DEADLINE);
        try (AnyServer server = AnyServer.start(kind, limits); Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096); // reads nothing: the server's echo fills this at once
            greedy.connect(server.address(), (int) TIMEOUT.toMillis());
            AtomicReference<IOException> failure = new AtomicReference<>();
            AtomicLong lastProgress = new AtomicLong(System.nanoTime());
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = greedy.getOutputStream();
                    for (int i = 0; i < 16_384; i++) { // at most 1 GiB; the buffers fill after a few MiB
                        out.write(chunk);
                        lastProgress.set(System.nanoTime());
                    }
                } catch (IOException e) {
                    failure.set(e); // the server dropped us: RST, so our blocked write() fails
                }
            });
            writer.join(LONG_READ_DEADLINE.minus(DEADLINE_SLACK));
            assertThat(writer.isAlive()).as("the client's write is still blocked: the server never dropped it").isFalse();
            assertThat(failure.get()).as("the client's write failed because the server closed").isNotNull();
            Duration stalled = Duration.ofNanos(System.nanoTime() - lastProgress.get());
            assertThat(stalled).as("from our last write to the drop").isLessThan(WRITE_DEADLINE.plus(DEADLINE_SLACK));
            await(() -> server.openConnections() == 0, TIMEOUT, () -> server.openConnections() + " still open");
            try (Socket next = EchoClient.connect(server.address(), TIMEOUT)) {
                assertThat(EchoClient.roundTrip(next, HELLO)).as("the next client is served").isEqualTo(HELLO);
            }
        }
    }

    /** Finished connections waiting for accept() on the LISTEN socket (its rx_queue), 0 if the row cannot be read. */
    static long acceptQueue(int port) {
        return SocketTable.listener(port).map(SocketRow::rxQueue).orElse(0L);
    }

    /** Waits for a condition the server or kernel reaches on its own, polling every millisecond up to a limit. */
    static void await(BooleanSupplier condition, Duration limit, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - end).as("waited %s for: %s", limit, what.get()).isNegative();
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }
}
