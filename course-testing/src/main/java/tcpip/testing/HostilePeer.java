package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback server that mistreats its clients, to check that a client ends within its deadline:
 * {@link Kind#NEVER_READS} accepts and holds the connection (a small receive buffer, so a client's
 * write() blocks soon), {@link Kind#TRICKLES} sends one byte every 200 ms (never silent long enough
 * for a read timeout), {@link Kind#ENDLESS} sends as fast as it can and never ends.
 * {@link #assertEndsInTime} runs clients as child JVMs in parallel and checks each one's ending.
 */
public final class HostilePeer implements AutoCloseable {

    /** How the server treats each connection. */
    public enum Kind { NEVER_READS, TRICKLES, ENDLESS }

    /** One client run: its main, its arguments, its stdin (may be null). */
    public record Client(Class<?> main, String stdin, String... args) {
    }

    private final Kind kind;
    private final ServerSocket server;
    private final Set<Socket> accepted = ConcurrentHashMap.newKeySet();

    public HostilePeer(Kind kind) throws IOException {
        this.kind = kind;
        server = new ServerSocket();
        server.setReceiveBufferSize(4096); // before bind: accepted sockets inherit it
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().name("hostile-" + kind).start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> treat(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void treat(Socket s) {
        try {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[kind == Kind.ENDLESS ? 64 * 1024 : 1];
            while (kind != Kind.NEVER_READS && !s.isClosed()) {
                out.write(chunk);
                if (kind == Kind.TRICKLES) {
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the pace is the point, not a wait for state
                }
            }
        } catch (IOException e) {
            // the client went away: done
        }
    }

    /**
     * Runs every client at once against this peer (their args should name {@link #port()}) and checks each
     * ended by itself within {@code bound}: exit 1 (not killed, not usage), exactly one stderr line naming the
     * program, no stack trace. {@code bound} is the client's deadline plus JVM start and slack.
     */
    public static void assertEndsInTime(Duration bound, List<Client> clients) {
        List<CompletableFuture<String>> runs = clients.stream().map(c -> CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            MainRunner.Result r = MainRunner.run(bound, c.stdin(), c.main(), c.args());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String name = c.main().getSimpleName() + " " + String.join(" ", c.args());
            List<String> lines = r.stderr().strip().lines().toList();
            // 1: failed (0: ended as if all went well, 2: usage, -1: still running at the bound, killed)
            boolean ok = r.exitCode() == 1 && lines.size() == 1
                    && lines.get(0).startsWith(c.main().getSimpleName() + ": ")
                    && !lines.get(0).contains("\tat ") && !lines.get(0).contains("Exception in thread");
            return ok ? null : String.format("%s: exit %d after %d ms (bound %s), stderr: %s", name, r.exitCode(),
                    took.toMillis(), bound, r.stderr().strip());
        }, MainRunner.OWN_THREAD)).toList();
        List<String> problems = runs.stream().map(CompletableFuture::join).filter(p -> p != null).toList();
        assertThat(problems).as("clients that did not end alone, with exit 1 and one stderr line").isEmpty();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        accepted.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        });
    }
}
