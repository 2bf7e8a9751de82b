package tcpip.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * How a main run by {@link Cli#run} ends, in one home: at most one last line on stderr, whoever
 * says it first (the body's failure, a failed thread, a signal), and the exit status that goes with it.
 * <ul>
 * <li>A signal (Ctrl-C, SIGTERM) while the body runs: a shutdown hook prints the program's line; the
 * JVM exits with the signal's status (130 for SIGINT, 143 for SIGTERM).</li>
 * <li>A thread the body started dies of an exception or an Error ({@link OutOfMemoryError} too): the
 * default uncaught-exception handler prints one line and exits {@value Cli#EXIT_FAILURE}, no stack trace (a
 * server prints the line and goes on serving).</li>
 * </ul>
 * Not inside {@link InProcess#run}: a test JVM keeps its own hooks and handler.
 */
final class Ending {

    /**
     * Set by the first line (or the first deliberate exit): every later one stays silent. A lock, not an
     * AtomicBoolean: the first compareAndSet links a VarHandle, an allocation, and the heap may be full then.
     */
    private static boolean said;
    /** Cli's "not enough memory" line, encoded while there was memory to encode it ({@link #watch}). */
    private static volatile byte[] noMemoryLine;
    /**
     * Straight to file descriptor 2, for a line written with the heap full: System.err's buffer may want to grow
     * (an allocation) where write(2) of a few hundred bytes needs none.
     */
    private static final FileOutputStream STDERR = new FileOutputStream(FileDescriptor.err);

    /** Erases a progress line still open before a last line ({@link Cli#beforeLastLine}); none by default. */
    static volatile Runnable beforeLastLine = () -> { };

    private Ending() {
    }

    /** Starts a clean row for the last line: a progress line still drawn is erased, never finished or glued to. */
    private static void cleanRow() {
        try {
            beforeLastLine.run();
        } catch (RuntimeException | OutOfMemoryError e) {
            // the line is said anyway
        }
    }

    /** True for the one caller that may print the last line. Inside {@link InProcess#run}: always. */
    static boolean claim() {
        return InProcess.inside() || first();
    }

    /** True for the first caller only. */
    private static synchronized boolean first() {
        boolean before = said;
        said = true;
        return !before;
    }

    /**
     * Prints {@code line} if nothing was said before; false if something was. With the heap full (a thread's
     * OutOfMemoryError) even printing may fail: then nothing more can be said, and the caller exits anyway.
     */
    static boolean say(String line) {
        try {
            if (!claim()) {
                return false;
            }
            cleanRow();
            System.err.println(line);
            return true;
        } catch (OutOfMemoryError stillNoMemory) {
            return false;
        }
    }

    /** {@link #say} for Cli's "not enough memory" line: the bytes encoded before the body ran, if there are any. */
    static boolean sayNoMemory(String line) {
        byte[] encoded = noMemoryLine;
        if (encoded == null || InProcess.inside()) {
            return say(line);
        }
        return claim() && write(encoded);
    }

    /** Writes {@code line} to stderr after whatever System.out and System.err hold; false if even that failed. */
    private static boolean write(byte[] line) {
        try {
            System.out.flush();
            cleanRow();
            System.err.flush();
            STDERR.write(line);
            return true;
        } catch (IOException | OutOfMemoryError e) {
            return false;
        }
    }

    /**
     * Starts watching while a body runs: the signal hook (printing {@code onSignal}'s line; none if it gives
     * null) and the handler for threads that die ({@link #died}). Returns the hook for {@link #stopWatching}.
     */
    static Thread watch(String program, String noMemory, Supplier<String> onSignal, BooleanSupplier server) {
        if (InProcess.inside()) {
            return null;
        }
        // Encoded now: when a thread runs out of memory, the other threads may still fill the heap.
        byte[] encoded = (noMemory + System.lineSeparator()).getBytes(System.err.charset());
        noMemoryLine = encoded;
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> died(program, encoded, e, server.getAsBoolean()));
        Thread hook = new Thread(() -> {
            if (claim()) {
                String line = onSignal.get();
                if (line != null) {
                    cleanRow();
                    System.err.println(line);
                }
            }
        }, "stopped-by-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /**
     * A thread died of {@code e}: one line, never a stack trace. A program then exits 1 (the line is the first
     * one said, or none if another was); a server ({@link Cli#endsBySignal}) goes on serving, since what died was
     * one connection's thread. After an OutOfMemoryError the line allocates next to nothing (encoded before, no
     * ThreadLocal: a thread's first one is an allocation), and the program halts: the exit's hooks would need
     * memory too, and with the heap full the JVM could spend minutes collecting garbage before it stopped.
     */
    private static void died(String program, byte[] noMemory, Throwable e, boolean server) {
        boolean full = e instanceof OutOfMemoryError;
        byte[] line = noMemory;
        if (!full) {
            try {
                line = (program + ": " + Cli.describe(e) + System.lineSeparator()).getBytes(System.err.charset());
            } catch (OutOfMemoryError noRoomForTheLine) {
                full = true; // the heap is full after all: that is the line to say
            }
        }
        if (server) {
            write(line);
            return;
        }
        try {
            if (first()) {
                write(line);
            }
            if (!full) {
                System.exit(Cli.EXIT_FAILURE); // blocks if the JVM is already exiting: its status stands
            }
        } catch (Throwable stillNoMemory) {
            // not even the exit could start: halt below
        }
        Runtime.getRuntime().halt(Cli.EXIT_FAILURE);
    }

    /** The body is over: a signal from now on is not "before it finished". */
    static void stopWatching(Thread hook) {
        if (hook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // a signal came as the body ended: the hook says so, the JVM exits with the signal's status
        }
    }
}
