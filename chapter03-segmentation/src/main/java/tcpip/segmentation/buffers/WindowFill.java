package tcpip.segmentation.buffers;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import tcpip.kernel.SsInfo;
import tcpip.net.LoopbackPair;

/**
 * Flow control on one loopback connection: a writer whose peer does not read blocks once both
 * kernels' buffers are full (the receiver's window is zero); when the reader drains, the
 * writer resumes. Used by the demo and its tests.
 */
public final class WindowFill {

    /** Bytes per write() call. */
    public static final int CHUNK = WindowCore.CHUNK;

    private WindowFill() {
    }

    /**
     * What happened.
     *
     * @param stall     the kernel's view while the writer was blocked
     * @param written   bytes the writer wrote in the end
     * @param read      bytes the reader read in the end
     * @param writerSs  the writer's {@code ss -ti} while it was blocked (its RTO, which the zero-window
     *                  probe timer starts from), where ss is installed
     */
    public record Result(StallDetector.Stall stall, long written, long read, Optional<SsInfo> writerSs) {
    }

    /**
     * Writes {@code total} bytes to a peer that reads nothing until the writer blocks, then
     * drains.
     *
     * @param sndbuf SO_SNDBUF for the writer, 0 = the kernel's default (autotuned)
     * @param rcvbuf SO_RCVBUF for the reader, 0 = the kernel's default
     * @param total  bytes to write; must be more than the buffers hold, or the writer never blocks
     */
    public static Result run(int sndbuf, int rcvbuf, long total, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        return run(sndbuf, rcvbuf, total, timeout, Duration.ZERO, pair -> { });
    }

    /**
     * Same, calling {@code connected} once the connection exists (e.g. to start a capture) and
     * keeping the reader idle for {@code holdAfterStall} after the writer blocked (the sender's
     * kernel keeps probing the zero window meanwhile).
     */
    public static Result run(int sndbuf, int rcvbuf, long total, Duration timeout, Duration holdAfterStall,
            Consumer<LoopbackPair> connected)
            throws IOException, TimeoutException, InterruptedException {
        return run(sndbuf, rcvbuf, total, timeout, () -> LockSupport.parkNanos(holdAfterStall.toNanos()), connected);
    }

    /**
     * Same, the reader staying idle after the writer blocked until {@code whileBlocked} returns (e.g. until a
     * capture shows the zero-window probes it waits for: what the sender's kernel does, not a guess at how long).
     */
    public static Result run(int sndbuf, int rcvbuf, long total, Duration timeout, Runnable whileBlocked,
            Consumer<LoopbackPair> connected)
            throws IOException, TimeoutException, InterruptedException {
        try (LoopbackPair pair = LoopbackPair.open((client, listener) -> {
            if (sndbuf > 0) {
                client.setSendBufferSize(sndbuf); // before connect()
            }
            if (rcvbuf > 0) {
                listener.setReceiveBufferSize(rcvbuf); // before bind(): the accepted socket inherits it
            }
        })) {
            connected.accept(pair);
            AtomicLong written = new AtomicLong();
            AtomicReference<IOException> failed = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().name("writer").start(() -> {
                try {
                    WindowCore.writeAll(pair.client(), total, written);
                } catch (IOException e) {
                    failed.set(e);
                }
            });
            StallDetector.Stall stall;
            try {
                stall = StallDetector.await(written::get, () -> !writer.isAlive(), pair.clientPort(), pair.serverPort(),
                        timeout);
            } catch (TimeoutException e) {
                pair.close(); // unblocks the writer
                writer.join(timeout.toMillis());
                throw e;
            }
            Optional<SsInfo> writerSs = SsInfo.installed() ? SsInfo.of(pair.clientPort(), pair.serverPort())
                    : Optional.empty();
            whileBlocked.run(); // the reader stays idle on purpose
            long read = WindowCore.drain(pair.server(), total);
            writer.join(timeout.toMillis());
            if (failed.get() != null) {
                throw failed.get();
            }
            return new Result(stall, written.get(), read, writerSs);
        }
    }
}
