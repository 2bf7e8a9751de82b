package tcpip.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;

/**
 * Runs a main inside this JVM, for tests of its command line (--help, bad arguments): its
 * stdout and stderr captured, and {@link Cli#exit} turned into a return instead of ending the JVM.
 * One run at a time; the language it chose with {@code --lang} is put back afterwards.
 */
public final class InProcess {

    private static final ThreadLocal<Boolean> INSIDE = new ThreadLocal<>();
    private static final Object ONE_AT_A_TIME = new Object();

    private InProcess() {
    }

    /** What the main left: the code it exited with (0 if it returned), its stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Thrown on the main's thread by {@link Cli#exit} inside {@link #run}: an Error, so no catch (Exception) stops it. */
    static final class Exit extends Error {
        private final int code;

        Exit(int code) {
            super("exit " + code, null, false, false);
            this.code = code;
        }
    }

    /** True on the thread of a main that {@link #run} is running. */
    static boolean inside() {
        return Boolean.TRUE.equals(INSIDE.get());
    }

    /** Called by {@link Cli#exit}: inside {@link #run}, ends the main with {@code code}. */
    static void exitIfInside(int code) {
        if (Boolean.TRUE.equals(INSIDE.get())) {
            throw new Exit(code);
        }
    }

    /** Runs {@code main.main(args)} here and returns what a terminal would have shown. */
    public static Result run(Class<?> main, String... args) {
        synchronized (ONE_AT_A_TIME) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Lang lang = Lang.current();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int code = 0;
            try {
                System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
                INSIDE.set(true);
                main.getMethod("main", String[].class).invoke(null, (Object) args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exit exit) {
                    code = exit.code;
                } else {
                    e.getCause().printStackTrace(); // what the JVM prints for an uncaught exception, and exits 1
                    code = 1;
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException(main.getName() + " has no public static main(String[])", e);
            } finally {
                INSIDE.remove();
                System.out.flush();
                System.err.flush();
                System.setOut(out);
                System.setErr(err);
                Lang.set(lang);
            }
            return new Result(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        }
    }
}
