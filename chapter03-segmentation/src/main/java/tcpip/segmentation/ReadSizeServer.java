package tcpip.segmentation;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tcpip.cli.Cli;

/**
 * Prints the size of every read() a client's data needs: a TCP stream keeps no trace of how
 * the sender cut it into write() calls (article: 데이터 송수신).
 */
public final class ReadSizeServer {

    /** Bytes one read() may return at most. */
    public static final int BUFSIZE = 8 * 1024;
    /** How many read sizes are printed one by one before the rest is summarised. */
    private static final int SHOWN = 20;

    private ReadSizeServer() {
    }

    public static void main(String[] args) {
        Cli cli = new Cli("ReadSizeServer", "Prints how many bytes each read() returns for every client.");
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Integer> port = cli.port(7203);
        Cli.Option<Integer> bufsize = cli.intOption("--buffer", BUFSIZE, 1, 16 << 20, "bytes per read() at most");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", Duration.ofSeconds(30),
                "close a client that sends nothing for this long");
        Cli.Option<Duration> delay = cli.durationOption("--read-delay", Duration.ZERO,
                "wait this long after accept() before the first read (lets small writes pile up)");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=ReadSizeServer -Dargs=\"--port 7203\"");
        cli.example("./mvnw -q -pl chapter03-segmentation -am compile exec:exec -Dmain=ReadSizeServer -Dargs=\"--port 7203 --read-delay 200ms\"");
        cli.parse(args);
        cli.run(() -> {
            try (ServerSocket listener = new ServerSocket()) {
                listener.bind(new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(listener)));
                System.out.println("ReadSizeServer listening on " + listener.getLocalSocketAddress()
                        + "; run WriteBurstClient in another terminal (Ctrl-C stops)");
                while (!listener.isClosed()) {
                    try (Socket client = listener.accept()) { // one client at a time: reads are the subject
                        client.setSoTimeout((int) timeout.get().toMillis());
                        // Not reading for a while IS the subject: meanwhile the kernel keeps queueing
                        // whatever arrives, and the first read() takes it all at once.
                        java.util.concurrent.locks.LockSupport.parkNanos(delay.get().toNanos());
                        List<Integer> sizes = readAll(client.getInputStream(), bufsize.get());
                        System.out.println(describe(client.getRemoteSocketAddress().toString(), sizes));
                    } catch (SocketException e) {
                        if (listener.isClosed()) {
                            break; // Ctrl-C closed the listener
                        }
                        System.out.println("client failed: " + Cli.describe(e));
                    } catch (IOException e) {
                        System.out.println("client failed: " + Cli.describe(e));
                    }
                }
            }
        });
    }

    /** Reads until the peer's FIN and returns what each read() returned. */
    public static List<Integer> readAll(InputStream in, int bufsize) throws IOException {
        byte[] buf = new byte[bufsize];
        List<Integer> sizes = new ArrayList<>();
        int n;
        // read() returns whatever the kernel's receive queue holds right now (up to buf.length),
        // blocking only while it is empty; -1 means the peer's FIN arrived.
        while ((n = in.read(buf)) != -1) {
            sizes.add(n);
        }
        return sizes;
    }

    /** One paragraph about a client's reads: the first sizes, then count, min, max, total. */
    public static String describe(String who, List<Integer> sizes) {
        long total = sizes.stream().mapToLong(Integer::longValue).sum();
        StringBuilder sb = new StringBuilder();
        sb.append(who).append(": ").append(total).append(" bytes in ").append(sizes.size()).append(" read() calls");
        if (!sizes.isEmpty()) {
            int min = sizes.stream().mapToInt(Integer::intValue).min().orElse(0);
            int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
            sb.append(" (smallest ").append(min).append(", largest ").append(max).append(")");
            sb.append(System.lineSeparator()).append("  read sizes: ")
                    .append(sizes.subList(0, Math.min(SHOWN, sizes.size())));
            if (sizes.size() > SHOWN) {
                sb.append(" ... ").append(sizes.size() - SHOWN).append(" more");
            }
        }
        return sb.toString();
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down anyway
        }
    }
}
