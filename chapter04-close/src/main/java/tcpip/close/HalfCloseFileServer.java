package tcpip.close;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tcpip.cli.Cli;

/**
 * Sends a file as raw bytes and marks its end with shutdownOutput() (a FIN), then reads the
 * client's "Thank you" over the direction that is still open. Protocol: the client sends the
 * file name as one line; the reply is the file's bytes, nothing else; its end is the FIN.
 */
public final class HalfCloseFileServer implements AutoCloseable {

    public static final int DEFAULT_PORT = 7304;
    /** Fixed transfer buffer: memory stays the same whatever the file size. */
    public static final int BUFSIZE = 128 * 1024;
    /** Longest file name line accepted. */
    public static final int MAX_NAME_BYTES = 4096;
    /** Longest reply (the "Thank you") kept for printing; more is read and dropped. */
    public static final int MAX_REPLY_BYTES = 1024;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final ServedFiles files;
    private final InetSocketAddress bindAddress;
    private final Duration readTimeout;
    private final PrintStream log;
    private final ServerSocket listener = new ServerSocket();
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final Set<Socket> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sent = new AtomicInteger();
    private Thread acceptor;
    private boolean reportHeap;

    /** What {@link #shutdown} did: transfers that ended with FIN, and those cut off with RST at the deadline. */
    public record ShutdownReport(int finished, int aborted) {
    }

    public HalfCloseFileServer(Path root, InetSocketAddress bindAddress, Duration readTimeout, PrintStream log)
            throws IOException {
        this.files = new ServedFiles(root);
        this.bindAddress = bindAddress;
        this.readTimeout = readTimeout;
        this.log = log;
    }

    public static void main(String[] args) {
        Cli cli = new Cli("HalfCloseFileServer",
                "Sends the file a client names (one line) as raw bytes, then shutdownOutput(): the FIN marks the end of the file.");
        Cli.Option<Integer> port = cli.port(DEFAULT_PORT);
        Cli.Option<String> bind = cli.bind();
        Cli.Option<Path> root = cli.pathOption("--root", Path.of("."), "serve only files under this directory");
        Cli.Option<Duration> timeout = cli.durationOption("--read-timeout", DEFAULT_READ_TIMEOUT,
                "deadline for a client's file name line and for its reply");
        Cli.Option<Duration> drain = cli.durationOption("--drain-timeout", DEFAULT_DRAIN_TIMEOUT,
                "on Ctrl-C, let transfers in flight finish for this long, then reset the rest");
        Cli.Option<Boolean> heap = cli.flag("--report-heap", "print the peak heap used after each transfer");
        cli.example("HalfCloseFileServer --port 7304 --root /tmp/files")
           .example("printf 'notes.txt\\n' | nc 127.0.0.1 7304    (any client: name line in, raw bytes out)");
        cli.parse(args);
        cli.run(() -> {
            HalfCloseFileServer server = new HalfCloseFileServer(root.get(),
                    new InetSocketAddress(InetAddress.getByName(bind.get()), port.get()), timeout.get(), System.out);
            server.reportHeap = heap.get();
            if (heap.get()) {
                HeapReport.start();
            }
            int bound = server.start();
            System.out.println("serving " + server.files.root() + " on " + bind.get() + ":" + bound
                    + " (Ctrl-C: stop accepting, finish transfers within " + tcpip.narration.Narrator.human(drain.get()) + ")");
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
        listener.bind(bindAddress); // bind + listen: the LISTEN row appears
        acceptor = Thread.ofPlatform().name("accept-" + listener.getLocalPort()).start(this::acceptLoop);
        return listener.getLocalPort();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Files sent completely so far. */
    public int filesSent() {
        return sent.get();
    }

    private void acceptLoop() {
        while (true) {
            Socket client;
            try {
                client = listener.accept(); // accept(): a connection whose handshake the kernel finished
            } catch (IOException e) {
                return; // shutdown() closed the listening socket
            }
            inFlight.add(client);
            try {
                workers.execute(() -> {
                    try {
                        serve(client);
                    } finally {
                        inFlight.remove(client);
                        closeQuietly(client);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.remove(client);
                closeQuietly(client); // shutting down
            }
        }
    }

    private void serve(Socket client) {
        String who = String.valueOf(client.getRemoteSocketAddress());
        try {
            client.setSoTimeout((int) readTimeout.toMillis()); // read() deadline for name and reply
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String name = readLine(in);
            Path file;
            try {
                file = files.resolve(name);
            } catch (ServedFiles.RefusedException e) {
                refuse(client, who, e.getMessage());
                return;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[BUFSIZE];
            long total = 0;
            try (InputStream data = Files.newInputStream(file)) {
                for (int n; (n = data.read(buf)) != -1; ) {
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n); // write(): copied into the send buffer; blocks while it is full
                    total += n;
                }
            }
            client.shutdownOutput(); // shutdownOutput(): FIN after the last byte = "end of file"; we can still read
            sent.incrementAndGet();
            log.printf("sent %s to %s: %,d bytes sha256=%s, then FIN (shutdownOutput)%n",
                    name, who, total, HexFormat.of().formatHex(sha.digest()));
            String reply = readReply(in); // the client's direction is still open
            log.printf("%s says: %s%n", who, reply.isEmpty() ? "(nothing, just FIN)" : reply);
            if (reportHeap) {
                log.printf("peak heap used: %,d KiB%n", HeapReport.peakHeapUsedKiB());
            }
        } catch (java.net.SocketTimeoutException e) {
            log.printf("%s: no data within %s, giving up%n", who, tcpip.narration.Narrator.human(readTimeout));
        } catch (Exception e) {
            log.printf("%s: %s%n", who, Cli.describe(e));
        }
    }

    /** Tells the client why (a line nc shows), then closes with RST so no client mistakes it for a file. */
    private void refuse(Socket client, String who, String reason) throws IOException {
        log.printf("refused %s: %s%n", who, reason);
        client.getOutputStream().write(("ERROR: " + reason + "\n").getBytes(StandardCharsets.UTF_8));
        client.setSoLinger(true, 0); // SO_LINGER 0: close() sends RST, not FIN: the stream did NOT end cleanly
        client.close();
    }

    /** The file name line: bytes up to '\n' (a '\r' before it is dropped), UTF-8. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b == -1) {
                if (line.size() == 0) {
                    throw new IOException("closed without asking for a file");
                }
                break; // FIN right after the name: fine, the name is complete
            }
            if (line.size() >= MAX_NAME_BYTES) {
                throw new IOException("file name line longer than " + MAX_NAME_BYTES + " bytes");
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Everything the client sends until its FIN (read() == -1), keeping at most MAX_REPLY_BYTES. */
    private static String readReply(InputStream in) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buf = new byte[MAX_REPLY_BYTES];
        for (int n; (n = in.read(buf)) != -1; ) { // read() == -1: the client's FIN arrived
            kept.write(buf, 0, Math.min(n, MAX_REPLY_BYTES - kept.size()));
        }
        return kept.toString(StandardCharsets.UTF_8).strip();
    }

    /**
     * Graceful shutdown (also what Ctrl-C runs): close the listening socket so no new connection
     * is accepted, let transfers in flight finish for up to {@code deadline} (their clients see
     * the file's FIN as usual), then reset the ones still running: a cut-off file must not end
     * with a FIN, or the client would take the partial file for the whole.
     */
    public ShutdownReport shutdown(Duration deadline) {
        int before = sent.get();
        closeQuietly(listener); // the LISTEN row goes away; new connect() calls are refused
        workers.shutdown();
        try {
            workers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int aborted = 0;
        for (Socket s : inFlight) {
            try {
                s.setSoLinger(true, 0); // RST: tells the client the transfer did not finish
            } catch (SocketException ignored) {
                // already closed
            }
            closeQuietly(s);
            aborted++;
        }
        workers.shutdownNow();
        try {
            workers.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
            if (acceptor != null) {
                acceptor.join(deadline.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ShutdownReport(sent.get() - before, aborted);
    }

    @Override
    public void close() {
        shutdown(Duration.ZERO);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
