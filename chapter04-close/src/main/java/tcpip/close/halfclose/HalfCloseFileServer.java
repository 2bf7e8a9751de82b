package tcpip.close.halfclose;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;
import tcpip.cli.Lang;
import tcpip.close.Msg;
import tcpip.close.ServerPreload;
import tcpip.close.timewait.ReuseAddressCore;
import tcpip.kernel.Endpoint;
import tcpip.narration.Narrator;
import tcpip.net.AcceptLoop;
import tcpip.net.Closeables;
import tcpip.net.GuardedListener;
import tcpip.net.LogSafe;
import tcpip.net.RequestDeadline;

/**
 * The hardened file server around {@link HalfCloseCore#send}: a connection cap, read and write
 * deadlines, names checked before anything is allocated for them, one sanitised log line per
 * failed client, and a graceful shutdown that lets transfers in flight finish with their FIN.
 * A file that changes while it goes out gets no trailer ({@link UnchangedFile}: lstat checks, and the
 * file read again at the end); files are served only from folders no other user can change
 * ({@link OwnFolders}), and the constructor refuses a root that others can.
 */
public final class HalfCloseFileServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 7304;
    public static final int DEFAULT_MAX_CONNECTIONS = 256;
    public static final Duration DEFAULT_READ_TIMEOUT = AcceptLoop.DEFAULT_READ_DEADLINE;
    public static final Duration DEFAULT_WRITE_TIMEOUT = AcceptLoop.DEFAULT_WRITE_DEADLINE;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How long open() of a requested file may take (less if the request deadline leaves less): a regular file
     * opens in microseconds; a name swapped for a FIFO after the check would block open(2) until some writer
     * came, so the open runs on a thread of its own and the request is refused when this passes.
     */
    public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Opener threads that may stay blocked for good, beyond one per connection: an open stuck on a FIFO that was
     * renamed away (or unlinked) before we could wake it can never return, and no signal from Java interrupts it.
     * Each costs a parked thread, not a connection slot; past this many, requests are refused as busy.
     */
    static final int MAX_STUCK_OPENS = 256;
    /** After a refusal, at most this much more of a client's request is read and dropped before close(). */
    private static final int MAX_DISCARD_BYTES = 64 * 1024;

    private final ServedFiles files;
    private final InetSocketAddress bindAddress;
    private final AcceptLoop.Limits limits;
    private final Duration writeTimeout;
    private Duration requestTimeout; // null: none
    private Duration openTimeout = DEFAULT_OPEN_TIMEOUT;
    private final UnchangedFile.Opener opener;
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
        OwnFolders folders = new OwnFolders(files.root());
        // A root others can write to would get every request refused: say so now, with the fix, and do not start.
        folders.checkRoot();
        this.bindAddress = bindAddress;
        this.limits = limits;
        this.writeTimeout = writeTimeout;
        this.log = log;
        this.opener = new UnchangedFile.Opener(limits.maxConnections() + MAX_STUCK_OPENS, folders);
    }

    public static void main(String[] args) {
        Lang.chooseFrom(args);
        Cli cli = new Cli("HalfCloseFileServer", Msg.get("HalfCloseFileServer.summary"));
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Path> root = cli.pathOption("--root", Path.of("."), Msg.get("HalfCloseFileServer.opt.root"));
        Cli.Option<Integer> max = cli.intOption("--max-connections", DEFAULT_MAX_CONNECTIONS, 1, 100_000,
                Msg.get("HalfCloseFileServer.opt.maxConnections"));
        Cli.Option<Duration> readTimeout = cli.durationOption("--read-timeout", DEFAULT_READ_TIMEOUT,
                Msg.get("HalfCloseFileServer.opt.readTimeout"));
        Cli.Option<Duration> writeTimeout = cli.durationOption("--write-timeout", DEFAULT_WRITE_TIMEOUT,
                Msg.get("HalfCloseFileServer.opt.writeTimeout"));
        Cli.Option<Duration> request = cli.durationOption("--request-timeout", AcceptLoop.DEFAULT_REQUEST_DEADLINE,
                Msg.get("HalfCloseFileServer.opt.requestTimeout"));
        Cli.Option<Duration> drain = cli.durationOption("--drain-timeout", DEFAULT_DRAIN_TIMEOUT,
                Msg.get("HalfCloseFileServer.opt.drainTimeout"));
        Cli.Option<Boolean> heap = cli.flag("--report-heap", Msg.get("HalfCloseFileServer.opt.reportHeap"));
        cli.example("HalfCloseFileServer --port 7304 --root /tmp/files")
           .example(Msg.get("HalfCloseFileServer.example.nc"));
        cli.parse(args);
        cli.run(() -> {
            HalfCloseFileServer server = new HalfCloseFileServer(root.get(),
                    new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()),
                    new AcceptLoop.Limits(max.get(), readTimeout.get()), writeTimeout.get(), System.out);
            server.reportHeap = heap.get();
            server.requestTimeout(request.get());
            if (heap.get()) {
                HeapReport.start();
            }
            server.start();
            System.out.println(Msg.get("HalfCloseFileServer.serving", server.files.root(),
                    Endpoint.text(server.listener.getLocalSocketAddress()),
                    Narrator.human(drain.get())));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ShutdownReport r = server.shutdown(drain.get());
                System.out.println(Msg.get("HalfCloseFileServer.shutDown", r.finished(), r.aborted()));
            }));
            server.acceptor.join();
        });
    }

    /**
     * The whole-request deadline, beside the per-read one (call before {@link #start}): the name line, from its
     * first byte, and the whole transfer must be done within it, and so must the client's reply after our FIN.
     * A request here is a turn ({@link RequestDeadline#turns}): a name's bytes may be anything but a newline.
     */
    public HalfCloseFileServer requestTimeout(Duration limit) {
        this.requestTimeout = limit;
        return this;
    }

    /** How long opening a requested file may take before the request is refused (call before {@link #start}). */
    public HalfCloseFileServer openTimeout(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("an open timeout must be positive: " + limit);
        }
        this.openTimeout = limit;
        return this;
    }

    /** Opens of requested files that never returned and were given up (a FIFO swapped in): 0 once unblocked. */
    int stuckOpens() {
        return opener.stuck();
    }

    /** Binds (127.0.0.1 unless told otherwise) and starts accepting; returns the port. */
    public int start() throws IOException {
        // The listener gives every accepted socket a write deadline; it binds with SO_REUSEADDR through the core.
        Duration request = requestTimeout;
        listener = ReuseAddressCore.listen(new GuardedListener(writeTimeout,
                request == null ? null : () -> RequestDeadline.turns(request)), bindAddress, true);
        // Out of descriptors (EMFILE) no class file can be opened: load what a connection needs now.
        ServerPreload.beforeAccept();
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
        String who = Endpoint.text(client.getRemoteSocketAddress());
        String name;
        try {
            name = FileProtocol.readName(client.getInputStream(), new byte[FileProtocol.MAX_NAME_BYTES]);
        } catch (FileProtocol.ProtocolException e) { // the client's FIN came before the name's newline
            refuse(client, who, e.getMessage());
            return;
        } catch (RequestDeadline.Exceeded e) {
            throw e; // a name trickled past the request deadline: no time is left to answer; the loop logs it
        } catch (SocketTimeoutException e) {
            refuse(client, who, Msg.get("HalfCloseFileServer.noName", Narrator.human(limits.readDeadline())));
            return;
        }
        if (name == null) {
            refuse(client, who, Msg.get("HalfCloseFileServer.nameTooLong", FileProtocol.MAX_NAME_BYTES));
            return;
        }
        Path file;
        try {
            file = files.resolve(name);
        } catch (ServedFiles.RefusedException e) {
            refuse(client, who, e.getMessage(), e.detail());
            return;
        }
        UnchangedFile opened;
        try {
            // Opened on another thread, within the deadline: a FIFO swapped in after the check cannot hold us.
            opened = UnchangedFile.open(file, name, opener, openLimit(client));
        } catch (ServedFiles.RefusedException e) {
            refuse(client, who, e.getMessage(), e.detail());
            return;
        }
        long size;
        FileProtocol.Sent done;
        // A file that changes while it goes out fails its last read: no trailer, the client saves nothing.
        try (UnchangedFile data = opened) {
            size = data.size();
            done = HalfCloseCore.send(client, data, size);
        }
        String reply = done.reply();
        sent.incrementAndGet();
        log.println(Msg.get("HalfCloseFileServer.sent", LogSafe.text(name), who, String.format("%,d", size),
                HexFormat.of().formatHex(done.sha256())));
        log.println(reply.isEmpty() ? Msg.get("HalfCloseFileServer.saysNothing", who)
                : Msg.get("HalfCloseFileServer.says", who, LogSafe.text(reply)));
        if (reportHeap) {
            log.println(Msg.get("HeapReport.peak", String.format("%,d", HeapReport.peakHeapUsedKiB())));
        }
    }

    /** The open timeout, shortened to what the request deadline has left (at least 1 ms). */
    private Duration openLimit(Socket client) {
        RequestDeadline request = GuardedListener.requestDeadline(client);
        long left = request == null ? Long.MAX_VALUE : request.nanosLeft();
        return Duration.ofNanos(Math.max(1_000_000, Math.min(openTimeout.toNanos(), left)));
    }

    /**
     * Tells the client why in one ERROR line, then FIN (the client reads the line and knows no
     * file follows). What is left of its request is read and dropped, so close() does not turn
     * into an RST for unread data; a client that keeps sending beyond that is reset.
     */
    private void refuse(Socket client, String who, String reason) throws IOException {
        refuse(client, who, reason, reason);
    }

    /** The same; the log gets {@code detail} (the server's own reason: a path, an error), the client {@code reason}. */
    private void refuse(Socket client, String who, String reason, String detail) throws IOException {
        log.println(Msg.get("HalfCloseFileServer.refused", who, LogSafe.text(detail)));
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
        client.getOutputStream().write(FileProtocol.error(Msg.get("HalfCloseFileServer.busy",
                limits.maxConnections())));
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
        opener.close();
        return new ShutdownReport(sent.get() - before, aborted);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }
}
