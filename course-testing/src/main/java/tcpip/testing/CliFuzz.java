package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Fuzzes a main's flags: reads its options from its {@code --help}, gives each one values that are
 * wrong for its kind (N, SIZE, TIME, ADDR, PATH, a choice such as {@code en|ko}, a flag given a value,
 * a value missing at the end), with newlines, escape and bidi characters among them, and checks that
 * every one is refused: a non-zero exit, one line on stderr that names the flag, no control or format
 * character in it, no stack trace. Free-text options ({@code TEXT}) get no values of their own: add
 * the bad ones the help cannot tell ({@code also("--only", "no-such-stage")}). Every option gets the
 * values wrong for every kind ({@link #ALWAYS_BAD}) and {@link #SAMPLE} of its own kind's, a different
 * pair for each main and option; the parsers all mains share meet every value in support-tests'
 * CliFuzzTest ({@link #everyValue}).
 *
 * <p>The cases run in a child JVM, each in-process there ({@link MainRunner#runHere}) with a time
 * limit; one child serves every main fuzzed by the same test JVM. A main still running at the limit
 * accepted its bad value (a server then serves, a demo runs): that is a finding, the child JVM is ended,
 * and the remaining cases go on in a new one, so an accepted value can never block the other cases, nor
 * leave a server running inside the test's own JVM.
 *
 * <pre>{@code
 * CliFuzz.of(EchoServer.class).onBusyPort().assertEveryBadValueRefused();
 * CliFuzz.of(EchoClient.class).before("--port", "1", "--message", "fuzz").assertEveryBadValueRefused();
 * }</pre>
 */
public final class CliFuzz {

    /** How long one case may run: a refusal takes milliseconds; only an accepted value waits this long. */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(15);
    private static final Pattern OPTION = Pattern.compile("^  (--[a-z0-9-]+)(?: (\\S+))?");
    /**
     * Wrong for every kind: empty, a newline that would start a forged second line, an escape sequence
     * that would recolour the terminal, a right-to-left override that would reverse what follows it.
     * (No NUL: no shell can pass one in an argument.)
     */
    static final List<String> ALWAYS_BAD = List.of("", "1\nforged: line", "\u001b[2J7", "\u202e7007");
    static final Map<String, List<String>> BAD = Map.of(
            "N", List.of("-1", "x", "1.5", "99999999999999999999", "0x10", " 7 ", "1e3"),
            "SIZE", List.of("-1", "big", "1T", "99999999999999999999K", "1.5K", "K"),
            "TIME", List.of("5", "2d", "-1s", "600h", "1.5ms", "s", "0s", "9999999999s", "1 s", "٣s"),
            "ADDR", List.of("exmaple.invalid", "999.1.1.1", "::g", "1.2.3", "127.0.0.1:7007", "[::1", "localhost."),
            "CHOICE", List.of("nope", "EN-us", "ko-what"));
    /** How many of its kind's bad values (beyond {@link #ALWAYS_BAD}) an option gets, unless {@link #everyValue}. */
    static final int SAMPLE = 2;
    /** Paths no program can use for anything: empty, under a file, under a directory that does not exist. */
    static final List<String> BAD_PATHS = List.of("", "/dev/null/x", "/proc/self/no-such-dir/x");

    /** A finding that belongs to another module: still run and printed, not counted against this fuzz. */
    public record Known(String why, Predicate<Outcome> matches) {
    }

    /**
     * What this fuzz found in narration-cli (Cli, Lang, Stages), which every main shares. Each is
     * reported to that module's owner; delete an entry once its fix has landed.
     */
    public static final List<Known> NARRATION_CLI = List.of(
            new Known("Stages' --pcap DIR is taken and ignored by a demo that captures nothing, whatever DIR is",
                    o -> o.args().size() == 2 && o.args().get(0).equals("--pcap")));

    private final Class<?> main;
    private final List<String> before = new ArrayList<>();
    private final List<List<String>> also = new ArrayList<>();
    private final List<Known> elsewhere = new ArrayList<>(NARRATION_CLI);
    private Duration limit = DEFAULT_LIMIT;
    private boolean busyPort;
    private boolean everyValue;

    private CliFuzz(Class<?> main) {
        this.main = main;
    }

    /** A fuzz of {@code main}'s flags. */
    public static CliFuzz of(Class<?> main) {
        return new CliFuzz(main);
    }

    /**
     * Arguments put before every case, e.g. {@code --port 1} for a client (nothing listens there: a
     * client that took a bad value fails at once) or {@code --no-pause} for a demo.
     */
    public CliFuzz before(String... args) {
        before.addAll(List.of(args));
        return this;
    }

    /**
     * For a server: the fuzz holds a listening port on 127.0.0.1 and passes {@code --port P} before every
     * case, so that a server that took a bad value fails to bind at once ("Address already in use": a
     * finding) instead of serving until the time limit. The number written in Arabic-Indic digits is
     * among the bad values, so that it meets the busy port too.
     */
    public CliFuzz onBusyPort() {
        busyPort = true;
        return this;
    }

    /** One more bad argument list, for what --help cannot tell (a stage name, a combination). */
    public CliFuzz also(String... badArgs) {
        also.add(List.of(badArgs));
        return this;
    }

    /**
     * Findings that belong to another module and are reported there ({@code why} says where): they
     * still run and are printed, but do not fail this fuzz. {@link #NARRATION_CLI} is always included.
     */
    public CliFuzz knownElsewhere(String why, Predicate<Outcome> matches) {
        elsewhere.add(new Known(why, matches));
        return this;
    }

    /** Every bad value of its kind for every option, not {@link #SAMPLE}: for the parsers all mains share (Cli's). */
    public CliFuzz everyValue() {
        everyValue = true;
        return this;
    }

    /**
     * {@link #SAMPLE} values of {@code ofKind}, chosen by {@code key} (the main and the option): a main's own check of
     * an option (a range, a rule of its own) meets values of every shape across the course's mains, while the parsing
     * all of them share meets every value in one test ({@link #everyValue}). A fuzz of one option costs a few
     * milliseconds of CPU per value, and the course has over a hundred options.
     */
    static List<String> sample(List<String> ofKind, String key) {
        if (ofKind.size() <= SAMPLE) {
            return ofKind;
        }
        int start = Math.floorMod(key.hashCode(), ofKind.size());
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < SAMPLE; i++) {
            chosen.add(ofKind.get((start + i) % ofKind.size()));
        }
        return chosen;
    }

    /** How long one case may run before it counts as accepted (default {@link #DEFAULT_LIMIT}). */
    public CliFuzz limit(Duration d) {
        limit = d;
        return this;
    }

    /** What one case left: its arguments (without {@link #before}), exit code (-1: still running), output. */
    public record Outcome(List<String> args, int exitCode, String stdout, String stderr) {

        /** Null if the case was refused as it should be, else what is wrong. */
        public String problem() {
            String err = stderr.endsWith("\n") ? stderr.substring(0, stderr.length() - 1) : stderr;
            if (exitCode == -1) {
                return "accepted: still running after the time limit";
            }
            if (exitCode == 0) {
                return "accepted: exit 0";
            }
            if (err.contains("\tat ") || err.contains("Exception in thread") || err.contains("Caused by:")) {
                return "a stack trace";
            }
            if (err.isBlank()) {
                return "exit " + exitCode + " with nothing on stderr";
            }
            if (err.contains("\n") || err.contains("\r")) {
                return "more than one line";
            }
            if (hasControlOrFormat(err)) {
                return "a raw control or format character in the line";
            }
            String flag = args.isEmpty() ? "" : args.get(0).split("=", 2)[0];
            String value = args.size() > 1 ? args.get(1) : "";
            if (flag.startsWith("--") && !err.contains(flag) && (value.isEmpty() || !err.contains(value))) {
                return "the line names neither " + flag + " nor its value";
            }
            return null;
        }

        /** The case as a person would type it, with invisible characters made visible. */
        public String shown() {
            return visible(String.join(" ", args));
        }
    }

    /**
     * Every case: from --help, then {@link #also}. {@code port} is the number whose Arabic-Indic
     * spelling is among the bad whole numbers (a digit, but not an ASCII one).
     */
    public List<List<String>> cases(int port) {
        String otherDigits = String.valueOf(port).chars().mapToObj(c -> String.valueOf((char) ('\u0660' + c - '0')))
                .collect(Collectors.joining());
        // --help in the child too: run here, the main would swap this JVM's stdout while other test classes print
        Outcome help = runInChild(FUZZ, List.of(), List.of(List.of("--help"))).get(0);
        assertThat(help.exitCode()).as("%s --help (stderr: %s)", main.getSimpleName(), help.stderr()).isZero();
        List<List<String>> cases = new ArrayList<>();
        cases.add(List.of("--no-such-flag"));
        cases.add(List.of("stray"));
        for (String line : help.stdout().lines().toList()) {
            Matcher m = OPTION.matcher(line);
            if (!m.find() || m.group(1).equals("--help")) {
                continue;
            }
            String name = m.group(1);
            String kind = m.group(2);
            if (kind == null) {
                cases.add(List.of(name + "=yes")); // a flag takes no value
                continue;
            }
            cases.add(List.of(name)); // the value is missing
            List<String> values = new ArrayList<>();
            if (kind.equals("PATH")) {
                values.addAll(BAD_PATHS); // a newline or a bidi character is a legal file name
            } else if (!kind.equals("TEXT")) {
                values.addAll(ALWAYS_BAD);
                List<String> ofKind = kind.contains("|") ? BAD.get("CHOICE") : BAD.getOrDefault(kind, List.of());
                values.addAll(everyValue ? ofKind : sample(ofKind, main.getName() + " " + name));
                if (kind.equals("N") || kind.equals("SIZE")) {
                    values.add(otherDigits);
                }
            }
            values.forEach(v -> cases.add(List.of(name, v)));
        }
        cases.addAll(also);
        return cases;
    }

    /** Runs every case (in child JVMs, see the class comment) and returns what each left. */
    public List<Outcome> run() {
        try (ServerSocket held = busyPort ? new ServerSocket(0, 1, InetAddress.getLoopbackAddress()) : null) {
            List<String> first = new ArrayList<>();
            if (held != null) {
                first.addAll(List.of("--port", String.valueOf(held.getLocalPort())));
            }
            first.addAll(before);
            List<List<String>> cases = cases(held != null ? held.getLocalPort() : 3);
            List<Outcome> outcomes = new ArrayList<>();
            while (outcomes.size() < cases.size()) {
                outcomes.addAll(runInChild(FUZZ, first, cases.subList(outcomes.size(), cases.size())));
            }
            return outcomes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One run of {@code mainClass} with {@code args} in a child JVM kept for such runs, as a terminal shows it: exit code
     * (-1: still running at {@code limit}, or it left a thread that would keep its JVM alive; -2: the child
     * died) and stdout followed by stderr. For README lines and {@code --help} checks, which each cost a JVM
     * start otherwise. The child runs in this JVM's working directory with an empty stdin.
     */
    static CommandRun runOne(String mainClass, List<String> args, Duration limit) {
        Class<?> main;
        try {
            main = Class.forName(mainClass);
        } catch (ClassNotFoundException e) {
            return new CommandRun(1, "no class " + mainClass + " on the class path");
        }
        Outcome o = of(main).limit(limit).runInChild(LINES, List.of(), List.of(args)).get(0);
        return new CommandRun(o.exitCode(), o.stdout() + o.stderr());
    }

    /** Every case refused (the known findings of other modules printed, not counted); prints a summary. */
    public void assertEveryBadValueRefused() {
        assertRefused(run());
    }

    /** The check of {@link #assertEveryBadValueRefused} on outcomes already run. */
    void assertRefused(List<Outcome> outcomes) {
        List<String> wrong = new ArrayList<>();
        Map<String, List<String>> known = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            String problem = o.problem();
            if (problem == null) {
                continue;
            }
            String line = o.shown() + " -> " + problem + " (exit " + o.exitCode() + ", stderr: "
                    + visible(o.stderr().strip()) + ")";
            Known k = elsewhere.stream().filter(e -> e.matches().test(o)).findFirst().orElse(null);
            if (k != null) {
                known.computeIfAbsent(k.why(), w -> new ArrayList<>()).add(line);
            } else {
                wrong.add(main.getSimpleName() + " " + line);
            }
        }
        int knownCount = known.values().stream().mapToInt(List::size).sum();
        System.out.printf("%s: %d bad argument lists, %d refused in one clear line, %d known elsewhere, %d wrong%n",
                main.getSimpleName(), outcomes.size(), outcomes.size() - wrong.size() - knownCount, knownCount,
                wrong.size());
        known.forEach((why, lines) -> System.out.printf("  known (%d): %s; e.g. %s %s%n", lines.size(), why,
                main.getSimpleName(), lines.get(0)));
        assertThat(wrong).as("bad arguments %s did not refuse in one clear line with a non-zero exit",
                main.getSimpleName()).isEmpty();
    }

    /**
     * The child JVM the cases run in: one per test JVM, reused by every main fuzzed there (starting a JVM
     * per main cost more than the cases), until a case is still running at its limit: that child then
     * halts, and the next case starts a new one. Guarded by its slot: one fuzz at a time per test JVM.
     */
    private static final Slot FUZZ = new Slot();
    /** README lines and --help checks ({@link #runOne}) get a child of their own: they then never wait for a fuzz. */
    private static final Slot LINES = new Slot();

    /** A child JVM kept between runs, and the lock that gives it one batch at a time. */
    private static final class Slot {
        private CliFuzzChild child;
    }

    /** Runs cases in the child JVM until they are done or one is still running at the limit. */
    private List<Outcome> runInChild(Slot slot, List<String> first, List<List<String>> cases) {
        synchronized (slot) {
            List<Outcome> done = new ArrayList<>();
            try {
                if (slot.child == null || !slot.child.process().isAlive()) {
                    slot.child = CliFuzzChild.start();
                }
                CliFuzzChild c = slot.child;
                StringBuilder batch = new StringBuilder("main " + main.getName() + " " + limit.toMillis() + " "
                        + cases.size() + "\n");
                for (List<String> one : cases) {
                    List<String> args = new ArrayList<>(first);
                    args.addAll(one);
                    batch.append(CliFuzzChild.encode(args)).append('\n');
                }
                try {
                    c.in().write(batch.toString());
                    c.in().flush();
                } catch (IOException e) {
                    // the child ended before it took the batch: the loop below sees its end of output
                }
                long end = System.nanoTime() + limit.multipliedBy(2).plusSeconds(60).toNanos();
                boolean ended = true;
                for (String line; System.nanoTime() < end && (line = c.out().readLine()) != null;) {
                    String[] f = line.split(" ", -1);
                    if (f.length != 4 || !f[0].equals("case")) {
                        continue; // not the driver's (a main that wrote to the real stdout)
                    }
                    Outcome o = new Outcome(cases.get(done.size()), Integer.parseInt(f[1]), CliFuzzChild.decode(f[2]),
                            CliFuzzChild.decode(f[3]));
                    done.add(o);
                    if (o.exitCode() == -1) {
                        break; // the driver halts its JVM: the rest go to a new one
                    }
                    if (done.size() == cases.size()) {
                        ended = false; // every case answered: the child waits for the next main's batch
                        break;
                    }
                }
                if (ended) {
                    c.end();
                    slot.child = null;
                    if (done.isEmpty()) { // the driver died before this batch's first case: say so as its outcome
                        done.add(new Outcome(cases.get(0), -2, "", "the fuzz's child JVM ended without a result (exit "
                                + (c.process().isAlive() ? "none" : String.valueOf(c.process().exitValue())) + ")"));
                    }
                }
                return done;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static boolean hasControlOrFormat(String s) {
        return s.codePoints().anyMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.FORMAT);
    }

    /** Control and format characters as {@code \n}, {@code \x1b}, {@code \u202e}: what was passed, visibly. */
    static String visible(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (c == '\n') {
                b.append("\\n");
            } else if (Character.getType(c) == Character.CONTROL) {
                b.append(String.format("\\x%02x", c));
            } else if (Character.getType(c) == Character.FORMAT) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
