package tcpip.segmentation.homework;

import tcpip.testing.Within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import tcpip.kernel.KernelAwait;
import tcpip.kernel.SocketRow;
import tcpip.kernel.SocketTable;
import tcpip.testing.HomeworkAnswerKey;
import tcpip.testing.TodoHint;

/** Grades WindowFiller: every byte written waits in the sender's Send-Q or the receiver's Recv-Q. */
@ExtendWith(TodoHint.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WindowFillerGradedTest {

    /** Points in the score table. */
    static final int POINTS = 10;

    /** Fails every check of an answer that calls the course's own code for this exercise (the answer key). */
    @RegisterExtension
    static final HomeworkAnswerKey ANSWER_KEY = HomeworkAnswerKey.of(WindowFiller.class);

    static final int BUFFER = 64 * 1024;

    @Test
    void reportsWhereEveryWrittenByteWaits() throws Exception {
        assumeTrue(SocketTable.available(), SocketTable.unavailableMessage());
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReceiveBufferSize(BUFFER); // fixed, small: the receiver's window closes soon
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            try (SocketChannel sender = SocketChannel.open()) {
                sender.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
                sender.connect(listener.getLocalSocketAddress());
                try (Socket receiver = listener.accept()) { // never reads
                    // a fill() that blocks (a blocking channel) never returns; the reference needs milliseconds
                    WindowFiller.Filled f = Within.call(Duration.ofSeconds(3), "fill",
                            () -> WindowFiller.fill(sender, Duration.ofMillis(1500)));
                    int local = sender.socket().getLocalPort();
                    int remote = sender.socket().getPort();
                    List<SocketRow> rows;
                    try { // bytes in flight are briefly in both queues: wait until the kernel is quiet again
                        rows = KernelAwait.awaitTable(t -> queued(t, local, remote) == f.written(), Duration.ofSeconds(3),
                                "Send-Q + Recv-Q = " + f.written());
                    } catch (TimeoutException e) {
                        throw new AssertionError("the kernel's Send-Q + Recv-Q never equalled the " + f.written()
                                + " bytes fill() says it wrote: count what write() returned", e);
                    }
                    long sendQ = rows.stream().filter(r -> r.localPort() == local && r.remotePort() == remote)
                            .mapToLong(SocketRow::txQueue).sum();
                    long recvQ = rows.stream().filter(r -> r.localPort() == remote && r.remotePort() == local)
                            .mapToLong(SocketRow::rxQueue).sum();
                    assertThat(f.sendQueue() + f.receiveQueue()).as("Send-Q %d + Recv-Q %d you reported: the receiver"
                            + " reads nothing, so every byte written (%d) waits in one of the two queues; Send-Q is the"
                            + " tx_queue of the SENDER's row (%d -> %d), Recv-Q the rx_queue of the RECEIVER's row",
                            f.sendQueue(), f.receiveQueue(), f.written(), local, remote).isEqualTo(f.written());
                    assertThat(f.receiveQueue()).as("your Recv-Q next to the receiver's rx_queue read just after (bytes"
                            + " only move from the sender's queue to the receiver's)").isBetween(1L, recvQ);
                    assertThat(f.sendQueue()).as("your Send-Q next to the sender's tx_queue read just after: the closed"
                            + " window holds bytes back on the sender").isGreaterThanOrEqualTo(Math.max(1, sendQ));
                }
            }
        }
    }

    private static long queued(List<SocketRow> rows, int local, int remote) {
        return rows.stream().mapToLong(r -> r.localPort() == local && r.remotePort() == remote ? r.txQueue()
                : r.localPort() == remote && r.remotePort() == local ? r.rxQueue() : 0).sum();
    }
}
