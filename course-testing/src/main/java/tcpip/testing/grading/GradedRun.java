package tcpip.testing.grading;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.platform.launcher.Launcher;
import tcpip.testing.HomeworkAnswerKey;
import java.io.File;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runner inside a graded test JVM, one per exercise. It runs as the JVM's instrumentation agent, before any
 * other code, and never returns: it reads its settings and key from standard input (then closes it), connects the
 * results channel and the {@link Tripwire} to the grader, builds the class loaders (the submission's classes in an
 * {@link AnswerLoader}, the graded tests and the course's code in a {@link CourseLoader}), installs the
 * {@link ClassWatch}, runs the graded tests and sends each check's result, signed, as it ends. Everything it knows
 * lives in this method's frame and in objects only the JDK and JUnit hold: no field a submission could read.
 */
public final class GradedRun {

    /** The tripwire's stream, between its connection and {@link Tripwire}'s first use (before submitted code runs). */
    private static volatile OutputStream pendingTripwire;

    private GradedRun() {
    }

    /** Started as a program instead of as the agent of a graded test JVM. */
    public static void main(String[] args) {
        System.err.println("GradedRun is the agent of a graded test JVM that ./homework grade starts; it is no program");
        System.exit(2);
    }

    static OutputStream takeTripwire() {
        OutputStream t = pendingTripwire;
        pendingTripwire = null;
        return t;
    }

    public static void premain(String args, Instrumentation inst) {
        int status = 0;
        try {
            run(inst);
        } catch (Throwable t) {
            System.err.println("the graded test JVM's runner failed: " + t);
            status = 3;
        }
        Runtime.getRuntime().halt(status);
    }

    private static void run(Instrumentation inst) throws Exception {
        Properties settings = readSettings();
        byte[] key = HexFormat.of().parseHex(settings.getProperty("key"));
        UnixDomainSocketAddress grader = UnixDomainSocketAddress.of(settings.getProperty("channel"));
        SocketChannel resultsChannel = SocketChannel.open(grader);
        Wire.Writer results = new Wire.Writer(Channels.newOutputStream(resultsChannel), key);
        results.send(Wire.Kind.HELLO, "results");
        SocketChannel alarm = SocketChannel.open(grader);
        OutputStream alarmOut = Channels.newOutputStream(alarm);
        new Wire.Writer(alarmOut, key).send(Wire.Kind.HELLO, "tripwire");
        pendingTripwire = alarmOut;
        Class.forName(Tripwire.class.getName(), true, GradedRun.class.getClassLoader());
        Arrays.fill(key, (byte) 0);

        String pkg = settings.getProperty("package");
        String exercise = settings.getProperty("exercise");
        ClassLoader app = GradedRun.class.getClassLoader();
        AnswerLoader answer = new AnswerLoader(paths(settings, "answer"), pkg, app);
        CourseLoader course = new CourseLoader(paths(settings, "course"), pkg, app, answer);
        answer.pairWith(course);

        Class<?> graded = Class.forName(pkg + "." + exercise + "GradedTest", true, course);
        HomeworkAnswerKey answerKey = answerKey(graded)
                .orElseGet(() -> HomeworkAnswerKey.of(load(answer, pkg + "." + exercise)));
        HomeworkAnswerKey ownKey = answerKey.copy();
        answer.guard(ownKey);
        JdkGates.install(inst, exercise, ownKey.programs()); // no process, no Lookup-defined class for the submission
        ClassWatch.guarded(ClassWatch.class.getClassLoader().getResourceAsStream(
                Guard.class.getName().replace('.', '/') + ".class").readAllBytes(), "warm-up");
        inst.addTransformer(new ClassWatch(Set.of(app, ClassLoader.getPlatformClassLoader(), course, answer), course,
                pkg, ownKey), true);
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == course && !c.getName().startsWith(pkg + ".") && ownKey.refusal(c.getName()).isPresent()
                    && inst.isModifiableClass(c)) {
                inst.retransformClasses(c); // loaded while the graded test class was initialised: guard them too
            }
        }
        List<Class<?>> hidden = new ArrayList<>();
        for (String name : settings.getProperty("hidden", "").split(",")) {
            if (!name.isBlank()) {
                hidden.add(Class.forName(name, false, course));
            }
        }

        Thread.currentThread().setContextClassLoader(answer);
        Launcher launcher = JUnitRun.launcher();
        Consumer<Check> send = c -> {
            try {
                results.send(Wire.Kind.CHECK, c.name(), c.status(), c.message(), String.valueOf(c.weight()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        JUnitRun.run(launcher, graded, "", false, send);
        for (Class<?> h : hidden) {
            JUnitRun.run(launcher, h, "hidden ", false, send);
        }

        Set<ClassLoader> graders = Set.of(app, ClassLoader.getPlatformClassLoader(), course, answer);
        for (Class<?> c : inst.getAllLoadedClasses()) { // the check at the end: course classes only where the grader put them
            ClassLoader l = c.getClassLoader();
            if (c.getName().startsWith("tcpip.") && l != null && !graders.contains(l)) {
                Tripwire.report(exercise + " loaded the course's class " + c.getName() + " in a class loader of its own"
                        + " (the course's " + c.getName() + " is the answer key; it may not be used in this exercise)");
            }
        }
        if (!alarm.isOpen()) {
            results.send(Wire.Kind.VIOLATION, exercise + " closed the grader's answer-key channel, which only code that"
                    + " reached for the answer key has reason to touch (the answer key may not be used in this exercise)");
        }
        results.send(Wire.Kind.DONE);
        resultsChannel.shutdownOutput();
    }

    /** The settings the grader wrote on standard input: a length, then a properties text. Standard input is closed after. */
    private static Properties readSettings() throws IOException {
        DataInputStream in = new DataInputStream(System.in);
        int length = in.readInt();
        if (length <= 0 || length > 1 << 20) {
            throw new IOException("no settings on standard input");
        }
        Properties p = new Properties();
        p.load(new StringReader(new String(in.readNBytes(length), StandardCharsets.UTF_8)));
        System.in.close();
        return p;
    }

    private static List<Path> paths(Properties settings, String name) {
        List<Path> paths = new ArrayList<>();
        for (String p : settings.getProperty(name, "").split(File.pathSeparator)) {
            if (!p.isBlank()) {
                paths.add(Path.of(p));
            }
        }
        return paths;
    }

    private static Class<?> load(ClassLoader loader, String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the submission has no class " + name, e);
        }
    }

    /** The graded test's static {@link HomeworkAnswerKey} field, if it has one. */
    static Optional<HomeworkAnswerKey> answerKey(Class<?> graded) throws IllegalAccessException {
        for (Field f : graded.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == HomeworkAnswerKey.class) {
                f.setAccessible(true);
                return Optional.ofNullable((HomeworkAnswerKey) f.get(null));
            }
        }
        return Optional.empty();
    }
}
