package tcpip.segmentation;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;

/** What every stage of this chapter's demo shares: the article section, deadlines, in-process servers. */
public final class StageSupport {

    /** The article section every stage of this chapter belongs to. */
    public static final String SECTION = "데이터 송수신";
    /** Longest any step of a stage may take. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(5);

    private StageSupport() {
    }

    /** The cap and read deadline of the demo's in-process servers. */
    public static AcceptLoop.Limits limits() {
        return new AcceptLoop.Limits(16, TIMEOUT);
    }

    /** A listener on {@code address}, port 0 (the kernel picks one). */
    public static ServerSocket listen(InetAddress address) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(address, 0));
            return listener;
        } catch (IOException e) {
            listener.close();
            throw e;
        }
    }

    /** The address a listener is bound to. */
    public static InetSocketAddress address(ServerSocket listener) {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** A client connected to {@code listener}, with a read deadline. */
    public static Socket connect(ServerSocket listener) throws IOException {
        Socket s = new Socket();
        s.connect(listener.getLocalSocketAddress());
        s.setSoTimeout(Math.toIntExact(TIMEOUT.toMillis()));
        return s;
    }

    /** Closes the listener, waits for the accept loop and its connections to finish (bounded). */
    public static void stop(ServerSocket listener, AcceptLoop loop, Thread serving) throws InterruptedException {
        Closeables.closeQuietly(listener);
        serving.join(TIMEOUT.toMillis());
        long end = System.nanoTime() + TIMEOUT.toNanos();
        while (loop.active() > 0 && System.nanoTime() < end) {
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Prints what an in-process server logged, then forgets it (printed after the step, so the order is fixed). */
    public static void printLog(Narrator n, List<String> log) {
        synchronized (log) {
            log.forEach(l -> l.lines().forEach(x -> n.line(Msg.get("label.server"), x)));
            log.clear();
        }
    }
}
