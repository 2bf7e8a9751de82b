package tcpip.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
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
            Msg.get(key, who, why);
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

    /**
     * Loads what serving a connection needs, before the first accept: every class of socket-support's
     * package and of each {@code anchor}'s package (from its directory or jar, loaded, not initialised),
     * then one wait in a socket read on a virtual thread, through {@link ChannelDeadline}.
     * The first connection's handler may run only after accept() has used up the descriptors: a class
     * loaded then needs an open() that fails, and the JVM remembers a failed resolution for good, so
     * every later client failed the same way (measured under {@code prlimit --nofile=256}:
     * "NoClassDefFoundError: tcpip/net/ChannelDeadline" for each client of NioEchoServer). The JDK's
     * virtual-thread poller opens its epoll descriptors the first time a virtual thread waits for a
     * socket; failing then, it stays broken ("Could not initialize class sun.nio.ch.Poller" on JDK 21:
     * every later client whose bytes were not there at its first read was closed unanswered).
     * The anchors themselves are initialised too. If any of it fails (too few descriptors already at
     * start), it throws {@link CannotServe}: a {@code Cli.run} body prints its one line and exits 1.
     */
    public static void connectionPaths(Class<?>... anchors) {
        failurePaths();
        List<Class<?>> packages = new ArrayList<>();
        commandLine(anchors).ifPresent(packages::add); // first: its way out (Cli.exit) must load, whatever fails later
        packages.addAll(List.of(anchors));
        packages.add(Preload.class);
        String missing = null;
        for (Class<?> anchor : packages) {
            for (String name : classesBeside(anchor)) {
                try {
                    Class.forName(name, false, anchor.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    missing = missing == null ? name + " (" + LogSafe.failure(e) + ")" : missing;
                }
            }
            try {
                // The anchors themselves are initialised: a static initialiser that does I/O (a Msg opening its
                // bundle) must not run for the first time out of descriptors, where its failure stays for good.
                Class.forName(anchor.getName(), true, anchor.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                missing = missing == null ? anchor.getName() + " (" + LogSafe.failure(e) + ")" : missing;
            }
        }
        if (missing == null && !pollerReady) {
            pollerReady = waitOnceOnAVirtualThread();
            missing = pollerReady ? null : "sun.nio.ch.Poller (the virtual-thread poller)";
        }
        if (missing != null) {
            // Started with too few descriptors (prlimit --nofile=7): serving anyway would fail every client for good.
            throw new CannotServe(Msg.get("preload.failed", missing));
        }
    }

    /**
     * What serving a connection needs could not be loaded before the first accept (too few descriptors at
     * start, measured at {@code prlimit --nofile=7}): the server says so in one line and exits, rather than
     * listening while every client fails the same way for good (a failed class resolution and a failed
     * class initialisation are never retried by the JVM).
     */
    public static final class CannotServe extends IllegalStateException {
        CannotServe(String message) {
            super(message);
        }
    }

    private static volatile boolean pollerReady;

    /**
     * The course's command-line class ({@code tcpip.cli.Cli}, in narration-cli, which this module does not
     * depend on), if the anchors' loader has it: a server that cannot serve exits through {@code Cli.run},
     * whose exit path loads a class of its own package for the first time.
     */
    private static Optional<Class<?>> commandLine(Class<?>... anchors) {
        ClassLoader loader = anchors.length == 0 ? Preload.class.getClassLoader() : anchors[0].getClassLoader();
        try {
            return Optional.of(Class.forName("tcpip.cli.Cli", false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty(); // not on the class path: nothing to load
        }
    }

    /** The binary names of the classes in {@code anchor}'s package, where {@code anchor} was loaded from. */
    static List<String> classesBeside(Class<?> anchor) {
        List<String> names = new ArrayList<>();
        String pkg = anchor.getPackageName();
        String dir = pkg.replace('.', '/');
        try {
            var source = anchor.getProtectionDomain().getCodeSource();
            Path where = source == null ? null : Path.of(source.getLocation().toURI());
            if (where != null && Files.isDirectory(where)) {
                try (Stream<Path> files = Files.list(where.resolve(dir))) {
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".class"))
                            .forEach(f -> names.add(pkg + "." + f.substring(0, f.length() - 6)));
                }
            } else if (where != null && Files.isRegularFile(where)) {
                try (JarFile jar = new JarFile(where.toFile())) {
                    jar.stream().map(JarEntry::getName)
                            .filter(e -> e.startsWith(dir + "/") && e.endsWith(".class") && e.indexOf('/', dir.length() + 1) < 0)
                            .forEach(e -> names.add(e.substring(0, e.length() - 6).replace('/', '.')));
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // nothing to list (a custom class loader): the classes load when first used, as before
        }
        return names;
    }

    /**
     * A virtual thread waits in a read through a {@link ChannelDeadline} until a byte comes; the byte
     * is sent only once the thread is seen waiting (parked by the JDK's poller), so the poller surely
     * started, however late the thread runs on a loaded machine (a 1 ms deadline could close the channel
     * before the thread even read: no wait, no poller). True if the thread was seen waiting.
     */
    private static boolean waitOnceOnAVirtualThread() {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel server = listener.accept()) {
                ChannelDeadline reader = new ChannelDeadline(server, POLLER_WAIT, POLLER_WAIT);
                Thread waiter = Thread.ofVirtual().name("preload-poller").uncaughtExceptionHandler((t, e) -> {
                    // the poller could not start (no descriptor for its epoll): connectionPaths says so in one line
                }).start(() -> {
                    try {
                        reader.read(ByteBuffer.allocate(1));
                    } catch (IOException e) {
                        // the deadline: the wait happened all the same
                    }
                });
                long end = System.nanoTime() + POLLER_WAIT.toNanos();
                long waitingSince = 0;
                boolean waited = false;
                while (!waited && waiter.isAlive() && System.nanoTime() < end) {
                    Thread.State state = waiter.getState();
                    boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
                    waitingSince = !waiting ? 0 : waitingSince == 0 ? System.nanoTime() : waitingSince;
                    // Parked in the poller (its frame on the stack): the poller runs. A park elsewhere (a class
                    // being initialised by another thread) was taken for it, and 2 runs in 20 left it unstarted;
                    // a JDK whose poller has another name still passes after a long wait.
                    waited = waiting && (inPoller(waiter) || System.nanoTime() - waitingSince > LONG_WAIT.toNanos());
                    if (!waited) {
                        LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
                    }
                }
                client.write(ByteBuffer.wrap(new byte[] {1})); // wakes the reader
                waiter.join(POLLER_WAIT);
                return waited;
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@code t} is parked in the JDK's poller ({@code sun.nio.ch.Poller} on its stack). */
    private static boolean inPoller(Thread t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().contains("Poller")) {
                return true;
            }
        }
        return false;
    }

    /** Waiting this long without a poller frame still counts as the wait (a JDK that names its poller otherwise). */
    private static final Duration LONG_WAIT = Duration.ofMillis(500);

    /** The most the poller warm-up waits (a loaded machine may start the virtual thread late). */
    private static final Duration POLLER_WAIT = Duration.ofSeconds(10);
}
