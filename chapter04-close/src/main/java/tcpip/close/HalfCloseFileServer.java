package tcpip.close;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.net.LogSafe;

/**
 * The hardened file server around {@link HalfClose#send}: a connection cap, read and write
 * deadlines, names checked before anything is allocated for them, one sanitised log line per
 * failed client, and a graceful shutdown that lets transfers in flight finish with their FIN.
 */
public final class HalfCloseFileServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final int BACKLOG = 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = AcceptLoop.DEFAULT_READ_DEADLINE;
    public static final Duration DEFAULT_WRITE_TIMEOUT = AcceptLoop.DEFAULT_WRITE_DEADLINE;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** After a refusal, at most this much more of a client's request is read and dropped before close(). */
    private static final int MAX_DISCARD_BYTES = 64 * 1024;

    private final ServedFiles files;
    private final InetSocketAddress bindAddress;
    private final AcceptLoop.Limits limits;
    private final Duration writeTimeout;
    private final PrintStream log;
    private final Set<Socket> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sent = new AtomicInteger();
    private GuardedListener listener;
    private AcceptLoop loop;
    private Thread acceptor;
    private boolean reportHeap;

    /** What {@link #shutdown} did: transfers that ended with FIN, and those cut off with RST at the deadline. */
    public record ShutdownReport(int finished, int aborted) {
    }

    public HalfCloseFileServer(Path root, InetSocketAddress bindAddress, Duration readTimeout, PrintStream log)
            throws IOException {
        this(root, bindAddress, new AcceptLoop.Limits(DEFAULT_MAX_CONNECTIONS, readTimeout), DEFAULT_WRITE_TIMEOUT, log);
    }

    public HalfCloseFileServer(Path root, InetSocketAddress bindAddress, AcceptLoop.Limits limits, Duration writeTimeout,
            PrintStream log) throws IOException {
        this.files = new ServedFiles(root);
        this.bindAddress = bindAddress;
        this.limits = limits;
        this.writeTimeout = writeTimeout;
        this.log = log;
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HalfCloseFileServer",
                "Sends the file a client names as 'OK size', the bytes, 'SHA-256 hex', then shutdownOutput() (FIN).");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Path> root = cli.pathOption("--root", Path.of("."), "serve only files under this directory");
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                "transfers at once; one more is accepted, told 'ERROR server busy' and closed");
        Cli.Option<Duration> readTimeout = cli.durationOption("--read-timeout", DEFAULT_READ_TIMEOUT,
                "deadline for a client's file name line and for each read of its reply");
        Cli.Option<Duration> writeTimeout = cli.durationOption("--write-timeout", DEFAULT_WRITE_TIMEOUT,
                "drop a client whose write() stays blocked this long (it stopped reading)");
        Cli.Option<Duration> drain = cli.durationOption("--drain-timeout", DEFAULT_DRAIN_TIMEOUT,
                "on Ctrl-C, let transfers in flight finish for this long, then reset the rest");
        Cli.Option<Boolean> heap = cli.flag("--report-heap", "print the peak heap used after each transfer");
        cli.example("HalfCloseFileServer --port 7304 --root /tmp/files")
           .example("printf 'notes.txt\\n' | nc 127.0.0.1 7304    (reply: 'OK size', the bytes, 'SHA-256 hex')");
        cli.parse(args);
        cli.run(() -> {
            HalfCloseFileServer server = new HalfCloseFileServer(root.get(),
                    new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()),
                    new AcceptLoop.Limits(max.get(), readTimeout.get()), writeTimeout.get(), System.out);
            server.reportHeap = heap.get();
            if (heap.get()) {
                HeapReport.start();
            }
            int bound = server.start();
            System.out.println("serving " + server.files.root() + " on " + bind.get() + ":" + bound
                    + " (Ctrl-C: stop accepting, finish transfers within " + Narrator.human(drain.get()) + ")");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ShutdownReport r = server.shutdown(drain.get());
                System.out.println("shut down: " + r.finished() + " transfer(s) finished with FIN, "
                        + r.aborted() + " cut off with RST");
            }));
            server.acceptor.join();
        });
    }

    /** Binds (127.0.0.1 unless told otherwise) and starts accepting; returns the port. */
    public int start() throws IOException {
        listener = new GuardedListener(bindAddress.getAddress(), bindAddress.getPort(), BACKLOG, writeTimeout);
        loop = new AcceptLoop(listener, limits, Thread.ofVirtual().name("file-client-", 0).factory(), this::serve,
                this::busy, log::println);
        acceptor = Thread.ofPlatform().name("accept-" + listener.getLocalPort()).start(loop::run);
        return listener.getLocalPort();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Files sent completely so far. */
    public int filesSent() {
        return sent.get();
    }

    /** The accept loop's counters (accepted, refused, failed, active). */
    public AcceptLoop acceptLoop() {
        return loop;
    }

    private void serve(Socket client) throws IOException {
        inFlight.add(client);
        try {
            serveOne(client);
        } finally {
            inFlight.remove(client);
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    private void serveOne(Socket client) throws IOException {
        String who = client.getInetAddress().getHostAddress() + ":" + client.getPort();
        String name;
        try {
            name = FileProtocol.readName(client.getInputStream(), new byte[FileProtocol.MAX_NAME_BYTES]);
        } catch (SocketTimeoutException e) {
            refuse(client, who, "no file name within " + Narrator.human(limits.readDeadline()) + " (read deadline)");
            return;
        }
        if (name == null) {
            refuse(client, who, "file name longer than " + FileProtocol.MAX_NAME_BYTES + " bytes");
            return;
        }
        Path file;
        try {
            file = files.resolve(name);
        } catch (ServedFiles.RefusedException e) {
            refuse(client, who, e.getMessage());
            return;
        }
        long size;
        FileProtocol.Sent done;
        try (InputStream data = Files.newInputStream(file)) {
            size = Files.size(file);
            done = HalfClose.send(client, data, size);
        }
        String reply = done.reply();
        sent.incrementAndGet();
        log.printf("sent %s to %s: %,d bytes sha256=%s, then FIN (shutdownOutput)%n",
                LogSafe.text(name), who, size, HexFormat.of().formatHex(done.sha256()));
        log.printf("%s says: %s%n", who, reply.isEmpty() ? "(nothing, just FIN)" : LogSafe.text(reply));
        if (reportHeap) {
            log.printf("peak heap used: %,d KiB%n", HeapReport.peakHeapUsedKiB());
        }
    }

    /**
     * Tells the client why in one ERROR line, then FIN (the client reads the line and knows no
     * file follows). What is left of its request is read and dropped, so close() does not turn
     * into an RST for unread data; a client that keeps sending beyond that is reset.
     */
    private void refuse(Socket client, String who, String reason) throws IOException {
        log.printf("refused %s: %s%n", who, LogSafe.text(reason));
        client.getOutputStream().write(FileProtocol.error(reason));
        client.shutdownOutput(); // FIN after the ERROR line
        InputStream in = client.getInputStream();
        byte[] buf = new byte[4096];
        for (int n, total = 0; total < MAX_DISCARD_BYTES && (n = in.read(buf)) != -1; total += n) {
            // read and drop until the client's FIN (or the read deadline)
        }
    }

    /** Over the cap: one ERROR line the client prints, then close. */
    private void busy(Socket client) throws IOException {
        client.getOutputStream().write(FileProtocol.error("server busy: " + limits.maxConnections()
                + " transfers running, try again later"));
        client.shutdownOutput();
    }

    /**
     * Graceful shutdown (also what Ctrl-C runs): close the listening socket so no new connection
     * is accepted, let transfers in flight finish for up to {@code deadline} (their clients see
     * the trailer and the FIN as usual), then reset the ones still running with SO_LINGER 0: RST
     * drops their queued data at once and the client reports the cut-off transfer immediately.
     */
    public ShutdownReport shutdown(Duration deadline) {
        int before = sent.get();
        Closeables.closeQuietly(listener); // the LISTEN row goes away; new connect() calls are refused
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (inFlight) {
            for (long left; !inFlight.isEmpty() && (left = end - System.nanoTime()) > 0; ) {
                try {
                    inFlight.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        int aborted = 0;
        for (Socket s : inFlight) {
            try {
                s.setSoLinger(true, 0); // RST: tells the client the transfer did not finish
            } catch (SocketException ignored) {
                // already closed
            }
            Closeables.closeQuietly(s);
            aborted++;
        }
        if (acceptor != null) {
            try {
                acceptor.join(Math.max(1, deadline.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return new ShutdownReport(sent.get() - before, aborted);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
