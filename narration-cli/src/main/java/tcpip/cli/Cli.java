package tcpip.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import tcpip.kernel.TextWidth;

/**
 * The command line of every program in this collection: its options, {@code --help}, the same
 * flags everywhere ({@code --host}, {@code --port}, {@code --bind}), bad input turned into one line
 * on stderr with exit code 2 (never a stack trace), and how a main ends ({@link #run}, {@link #exit}).
 * How each kind of value is read is {@link Values}' job; an error repeats a value only through
 * {@link ShownValue}.
 *
 * <pre>{@code
 * Cli cli = new Cli("EchoServer", "Echoes every byte back until the client closes.");
 * Cli.Option<Integer> port = cli.port(7007);
 * cli.parse(args);                    // --help: usage, exit 0; bad input: one line, exit 2
 * cli.run(() -> serve(port.get()));   // an IOException: one line, exit 1
 * }</pre>
 */
public final class Cli {

    /** Exit code for bad arguments (like most Unix tools). */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a failure while running (connection refused, file not found…). */
    public static final int EXIT_FAILURE = 1;
    /** The address every server binds and every client connects to unless told otherwise. */
    public static final String LOOPBACK = "127.0.0.1";
    /** Longest time any flag accepts unless it says otherwise (a socket timeout is an int of ms). */
    public static final Duration MAX_DURATION = Values.MAX_DURATION;

    private static final Messages MSG = Messages.of("tcpip.cli.messages");
    private static final int HELP_COLUMN = 28;

    private final String program;
    private final String summary;
    private final Map<String, Option<?>> options = new LinkedHashMap<>();
    private final List<String> examples = new ArrayList<>();
    private Supplier<String> onSignal = () -> null;
    private volatile boolean endsBySignal;
    /** The signal hook ({@link #watchSignals}), installed by parse() or run(); null before, or inside a test JVM. */
    private Thread hook;
    private volatile boolean running;

    /** A program's command line; {@code summary} is the first line of its --help. */
    public Cli(String program, String summary) {
        this.program = program;
        this.summary = summary;
        add(new Option<Lang>("--lang", Values.LANGUAGES, null, () -> MSG.get("cli.lang"), s -> {
            Lang l = Values.lang(s);
            Lang.set(l);
            return l;
        }));
    }

    /** One option; {@link #get()} is its value after {@link #parse}, or the default. */
    public static final class Option<T> {
        private final String name;
        private final String valueName;
        private final Supplier<String> help; // looked up when --help prints: --lang may come later
        private final Function<String, T> parser;
        private T value;
        private boolean given;

        Option(String name, String valueName, T defaultValue, String help, Function<String, T> parser) {
            this(name, valueName, defaultValue, () -> help, parser);
        }

        Option(String name, String valueName, T defaultValue, Supplier<String> help,
                Function<String, T> parser) {
            this.name = name;
            this.valueName = valueName;
            this.value = defaultValue;
            this.help = help;
            this.parser = parser;
        }

        public T get() {
            return value;
        }

        /** True if the user wrote this option (not just the default). */
        public boolean given() {
            return given;
        }

        boolean isFlag() {
            return valueName == null;
        }
    }

    /** {@code --port N}: a TCP port, 0 to 65535 (0 = the kernel picks one). */
    public Option<Integer> port(int defaultPort) {
        return add(new Option<>("--port", "N", defaultPort, () -> MSG.get("cli.opt.port"), Values.wholeNumber(0, 65_535)));
    }

    /** {@code --host ADDR}: where a client connects (127.0.0.1 by default; ::1 works too). */
    public Option<String> host() {
        return add(new Option<>("--host", "ADDR", LOOPBACK, () -> MSG.get("cli.opt.host"), Values::address));
    }

    /** {@code --bind ADDR}: where a server listens (127.0.0.1 by default); a server {@link #endsBySignal}. */
    public Option<String> bind() {
        endsBySignal();
        return add(new Option<>("--bind", "ADDR", LOOPBACK, () -> MSG.get("cli.opt.bind"), Values::address));
    }

    /** Text: not empty, no control characters ({@link Values#text}). */
    public Option<String> stringOption(String name, String defaultValue, String help) {
        return add(new Option<>(name, "TEXT", defaultValue, help, Values::text));
    }

    /** A whole number in {@code [min, max]} ({@link Values#wholeNumber}). */
    public Option<Integer> intOption(String name, int defaultValue, int min, int max, String help) {
        return add(new Option<>(name, "N", defaultValue, help, Values.wholeNumber(min, max)));
    }

    /** A byte count: {@code 1048576}, {@code 64K}, {@code 1M}, {@code 1MiB}, {@code 2G} ({@link Values#size}). */
    public Option<Long> sizeOption(String name, long defaultValue, long min, long max, String help) {
        return add(new Option<>(name, "SIZE", defaultValue, help, Values.size(min, max)));
    }

    /**
     * A duration with a unit: {@code 250ms}, {@code 30s}, {@code 1.5s}, {@code 2m}, {@code 1h};
     * between 1 ms and {@link #MAX_DURATION}. Zero, a bare number or another unit is a usage error.
     */
    public Option<Duration> durationOption(String name, Duration defaultValue, String help) {
        return durationOption(name, defaultValue, Duration.ofMillis(1), MAX_DURATION, help);
    }

    /** A duration with a unit, checked against {@code [min, max]} (give min 0 where 0 means "none"). */
    public Option<Duration> durationOption(String name, Duration defaultValue, Duration min, Duration max, String help) {
        return add(new Option<>(name, "TIME", defaultValue, help, Values.duration(min, max)));
    }

    /** A path to a file or a directory ({@link Values#path}). */
    public Option<Path> pathOption(String name, Path defaultValue, String help) {
        return add(new Option<>(name, "PATH", defaultValue, help, Values::path));
    }

    /** A path to a file, never {@code /} or a path ending in {@code /} ({@link Values#file}). */
    public Option<Path> fileOption(String name, Path defaultValue, String help) {
        return add(new Option<>(name, "FILE", defaultValue, help, Values::file));
    }

    /** One of an enum's constants, written in lower case with '-' for '_' (e.g. {@code --mode virtual}). */
    public <E extends Enum<E>> Option<E> enumOption(String name, Class<E> type, E defaultValue, String help) {
        return add(new Option<>(name, Values.choices(type), defaultValue, help, Values.choice(type)));
    }

    /** A switch without a value: false unless given. */
    public Option<Boolean> flag(String name, String help) {
        return add(new Option<>(name, null, false, help, s -> true));
    }

    /** An example command line shown under --help. */
    public Cli example(String commandLine) {
        examples.add(commandLine);
        return this;
    }

    private <T> Option<T> add(Option<T> option) {
        if (options.putIfAbsent(option.name, option) != null) {
            throw new IllegalStateException("option " + option.name + " defined twice");
        }
        return option;
    }

    /**
     * Parses the arguments. {@code --help} (or {@code -h}) prints the usage and exits 0; bad
     * input prints one line and exits {@value #EXIT_USAGE}.
     */
    public void parse(String[] args) {
        try {
            if (parseOrHelp(args)) {
                usage(System.out);
                exit(0);
            }
        } catch (UsageException e) {
            System.err.println(e.getMessage());
            exit(EXIT_USAGE);
        }
        if (StackWalker.getInstance().walk(f -> f.dropWhile(Cli::ownFrame).findFirst())
                .map(f -> f.getMethodName().equals("main")).orElse(false)) {
            watchSignals(Thread.currentThread()); // a main's parse: a signal between here and run() gets its line
        } // a test that parses options in its own JVM keeps that JVM's hooks and handler
    }

    /** A frame of Cli's or Stages' own (tcpip.cli, tcpip.narration), not a main: parse's caller is the first after. */
    private static boolean ownFrame(StackWalker.StackFrame f) {
        return !f.getMethodName().equals("main")
                && (f.getClassName().startsWith("tcpip.cli.") || f.getClassName().startsWith("tcpip.narration."));
    }

    /**
     * Installs the signal line's hook once, as early as the arguments are read: a SIGTERM before {@link #run}
     * starts the body then also ends with one line, not silently with 143. Until run() starts, the hook speaks only
     * while {@code main} is alive: a main that returns without run() ends normally, without a line.
     */
    private void watchSignals(Thread main) {
        if (hook != null) {
            return;
        }
        String noMemory = MSG.text("cli.no.memory", program, Runtime.getRuntime().maxMemory() >> 20);
        String stopped = MSG.text("cli.stopped.by.signal", program);
        hook = Ending.watch(program, noMemory, () -> {
            if (endsBySignal || !running && !main.isAlive()) {
                return null;
            }
            String own = onSignal.get();
            return own != null ? own : stopped;
        }, () -> endsBySignal);
    }

    /**
     * Parses without exiting: returns true if help was asked for, throws with the one-line
     * message on bad input.
     */
    public boolean parseOrHelp(String[] args) throws UsageException {
        Lang.chooseFrom(args); // --lang first: --help and errors then speak it, in an encoding that has Hangul
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            Option<?> option = options.get(name);
            if (option == null) {
                throw new UsageException(MSG.get(arg.startsWith("-") ? "cli.unknown.option" : "cli.unknown.argument",
                        program, ShownValue.of(arg)));
            }
            String value;
            if (option.isFlag()) {
                if (inline != null) {
                    throw new UsageException(MSG.get("cli.no.value", program, name));
                }
                value = "true";
            } else if (inline != null) {
                value = inline;
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(MSG.get("cli.needs.value", program, name, option.valueName));
            }
            set(option, value);
        }
        return false;
    }

    private <T> void set(Option<T> option, String value) throws UsageException {
        try {
            option.value = option.parser.apply(value);
            option.given = true;
        } catch (RuntimeException e) {
            throw new UsageException(MSG.get("cli.bad.value", program, option.name, e.getMessage()));
        }
    }

    /** Prints the usage text: summary, options with defaults, examples. */
    public void usage(PrintStream out) {
        out.println(MSG.get("cli.usage", program));
        out.println(summary);
        out.println();
        out.println(MSG.get("cli.options"));
        for (Option<?> o : options.values()) {
            String left = o.name + (o.isFlag() ? "" : " " + o.valueName);
            String def = o.isFlag() || o.value == null || o.name.equals("--lang") ? ""
                    : " " + MSG.get("cli.default", Values.show(o.value));
            out.println("  " + TextWidth.padRight(left, HELP_COLUMN) + " " + o.help.get() + def);
        }
        out.println("  " + TextWidth.padRight("-h, --help", HELP_COLUMN) + " " + MSG.get("cli.help"));
        if (!examples.isEmpty()) {
            out.println();
            out.println(MSG.get("cli.examples"));
            examples.forEach(e -> out.println("  " + e));
        }
    }

    /**
     * What a signal (Ctrl-C, SIGTERM) that stops the body prints: {@code line}'s sentence instead of
     * {@link #run}'s "stopped by a signal before it finished" (which it still gets when {@code line} gives
     * null). For a program that has more to say, or something to close first: it runs in a shutdown hook.
     */
    public Cli onSignal(Supplier<String> line) {
        onSignal = line;
        return this;
    }

    /**
     * A signal is this program's ordinary end (a server, a watch until Ctrl-C): it prints no line of
     * {@link #run}'s then, only what the program itself prints; and a thread of it that dies is one line on
     * stderr while the rest goes on (a connection's thread, not the server). Every program with {@link #bind} is one.
     */
    public Cli endsBySignal() {
        endsBySignal = true;
        return this;
    }

    /**
     * The body of a main: any exception becomes one line on stderr and exit {@value #EXIT_FAILURE}; so does an
     * {@link OutOfMemoryError} (a size the options accept but this JVM's heap cannot hold: {@code -Xmx64m} and
     * {@code --size 1G}), whose line is made before the body runs, so that saying it allocates next to nothing.
     * The same for a thread the body starts that dies of an exception or an Error (a server only logs that line
     * and goes on: the thread was one connection's), and a signal while the body
     * runs prints one line ({@link #onSignal}, {@link #endsBySignal}) and leaves the JVM's exit status (130
     * for SIGINT, 143 for SIGTERM): never two lines, never a stack trace ({@link Ending}).
     */
    public void run(Body body) {
        String noMemory = MSG.text("cli.no.memory", program, Runtime.getRuntime().maxMemory() >> 20);
        running = true;
        watchSignals(Thread.currentThread());
        try {
            body.run();
        } catch (Exception e) {
            fail(program + ": " + describe(e));
        } catch (OutOfMemoryError e) {
            Ending.sayNoMemory(noMemory);
            exit(EXIT_FAILURE);
        } finally {
            Ending.stopWatching(hook);
            hook = null;
            running = false;
        }
    }

    /** The body's failure: its line unless another was said first (a signal's), then exit 1. */
    private static void fail(String line) {
        Ending.say(line);
        exit(EXIT_FAILURE);
    }

    /**
     * Ends the program with {@code code} (System.exit), except in a test that runs the main with
     * {@link InProcess#run}: there the main's thread stops and the test reads the code.
     */
    public static void exit(int code) {
        InProcess.exitIfInside(code);
        Ending.claim(); // the program has said why (or had nothing to say): a signal hook adds nothing now
        System.exit(code);
    }

    /**
     * What to do just before the program's last line (its failure, a signal's line): Progress erases a line it
     * still has open there, so that the last line starts its own row. One action; a later call replaces it.
     */
    public static void beforeLastLine(Runnable action) {
        Ending.beforeLastLine = action;
    }

    /** A main's body, allowed to throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** One line for an exception: its type in plain words and its message. */
    public static String describe(Throwable e) {
        String msg = e.getMessage();
        String type = e.getClass().getSimpleName();
        return msg == null ? type : type + ": " + withoutCallName(msg);
    }

    /**
     * Some JDK builds add the failed call's name to the kernel's error text ("Connection refused
     * (connect failed)"), others do not: the error (ECONNREFUSED, ETIMEDOUT) is the same, so the
     * output keeps only the kernel's words and reads the same on every JDK.
     */
    static String withoutCallName(String message) {
        return JDK_CALL_SUFFIX.matcher(message).replaceFirst("");
    }

    /** The suffix such a JDK adds: " (connect failed)", " (bind failed)", … */
    private static final Pattern JDK_CALL_SUFFIX = Pattern.compile(" \\([a-z_]+ failed\\)$");
}
