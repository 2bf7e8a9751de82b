package tcpip.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import tcpip.kernel.Endpoint;

/**
 * Runs the failure paths once at start. A server out of descriptors (EMFILE) must not load anything
 * for the first time: run from {@code target/classes}, every class and message bundle not loaded yet
 * is a file to open, the open fails, and a {@code NoClassDefFoundError} or
 * {@code MissingResourceException} escapes the very code meant to survive (measured: EchoServer died
 * that way under {@code prlimit --nofile=256}). So every server calls this (AcceptLoop and
 * GuardedListener do) and formats its own failure sentences once before it accepts; the loops that
 * must survive still catch {@code LinkageError}.
 */
public final class Preload {

    private static volatile boolean done;

    private Preload() {
    }

    /** Loads socket-support's failure paths: every log sentence, LogSafe, the deadline exceptions, Endpoint. */
    public static void failurePaths() {
        if (done) {
            return;
        }
        IOException sample = new SocketException("preload\n\u202e");
        String why = LogSafe.failure(sample) + LogSafe.text("\u200b\t\\x");
        String who = Endpoint.text(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        for (String key : new String[] {"accept.backoff", "accept.no.thread", "accept.client.failed",
                "accept.client.timeout", "accept.client.reset", "accept.client.request", "deadline.read",
                "deadline.write", "deadline.request"}) {
            LogText.get(key, who, why);
        }
        RequestDeadline sampleDeadline = RequestDeadline.lines(Duration.ofSeconds(1), 1);
        sampleDeadline.received(new byte[] {'\n'}, 0, 1);
        Throwable[] loaded = {new RequestDeadline.Exceeded(sampleDeadline), new SocketTimeoutException(),
                new GuardedListener.WriteDeadlineException(Duration.ofSeconds(1), sample),
                new NoClassDefFoundError(), new IllegalStateException()};
        new AcceptBackoff().failed();
        Closeables.closeQuietly(() -> {
            throw new IOException(loaded.length + why);
        });
        done = true;
    }
}
