package tcpip.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The homework's own checks, run with this module's tests: every exercise's template and every
 * wrong solution kept under {@code src/homework/wrong/EXERCISE/MISTAKE/} fails its graded tests.
 * With {@code -Dhomework.report=DIR} (what {@code ./homework grade} passes) it grades this module's
 * exercises instead: points, one line per failed check, a per-exercise time limit, hidden tests
 * from {@code -Dhomework.extra=DIR}. Each run compiles the code under test in-process and launches
 * the graded test class in its own class loader, so one JVM checks dozens of implementations.
 * A chapter runs it with a one-line subclass in its homework test package
 * ({@code class HomeworkChecksTest extends HomeworkChecks {}}); the homework package is the one
 * under the module's {@code src/homework/template/java}.
 */
public abstract class HomeworkChecks {

    /** Points of an exercise whose graded test declares no {@code static final int POINTS}. */
    static final int DEFAULT_POINTS = 10;
    /** Time limit for one exercise (all its graded tests), unless -Dhomework.limit=SECONDS says otherwise. */
    static final int DEFAULT_LIMIT_SECONDS = 60;
    /** At most this many failed-check lines per exercise in the score table. */
    static final int MAX_FAILURE_LINES = 18;
    static final int MAX_MESSAGE = 240;
    /**
     * Templates and wrong solutions are all checked at once, each on its own thread: most of their time is spent
     * waiting on sockets and deadlines, not on the CPU, so the wall time is about that of the slowest one.
     */
    static final int MAX_PARALLEL = 64;
    /** javac runs at once (each with its own file manager): compiling is CPU work, so about one per core. */
    static final int COMPILERS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    /** A wrong solution in a folder of this name calls the course's own code; it must fail on the answer-key rule. */
    static final String ANSWER_KEY_MISTAKE = "UsesTheCoursesCode";
    static final Path BASE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    /** The module's homework package: the one folder of templates under src/homework/template/java. */
    static final String PACKAGE = homeworkPackage(BASE.resolve("src/homework/template/java"));
    static final String CLASSPATH = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    /** Every graded run started, so the checks can wait for those still finishing in the background. */
    private static final List<Thread> LEFT_BEHIND = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
    /** File managers free for a compilation; each caches the class path's index, so they are reused. */
    private static final java.util.concurrent.BlockingQueue<StandardJavaFileManager> FILE_MANAGERS =
            new java.util.concurrent.ArrayBlockingQueue<>(COMPILERS);

    static {
        for (int i = 0; i < COMPILERS; i++) {
            FILE_MANAGERS.add(JAVAC.getStandardFileManager(null, null, StandardCharsets.UTF_8));
        }
    }

    /** One graded test's outcome: passed, failed or aborted (a Linux-only check elsewhere). */
    record Check(String name, String status, String message) {
        boolean failed() {
            return status.equals("failed");
        }
    }

    /** Everything one run of a graded test class reported, and whether it hit the time limit. */
    record Outcome(List<Check> checks, boolean timedOut, String error) {
        long failed() {
            return checks.stream().filter(Check::failed).count();
        }
    }

    private static String homeworkPackage(Path templates) {
        try (Stream<Path> files = Files.walk(templates)) {
            List<String> packages = files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> templates.relativize(p.getParent()).toString().replace(java.io.File.separatorChar, '.'))
                    .distinct().toList();
            if (packages.size() != 1) {
                throw new IllegalStateException("expected one homework package under " + templates + ", found " + packages);
            }
            return packages.get(0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @TestFactory
    public Stream<DynamicTest> homework() throws Exception {
        String report = System.getProperty("homework.report", "");
        if (report.isBlank()) {
            return wrongAndTemplatesFail();
        }
        Stream<DynamicTest> grading = Stream.of(dynamicTest("grade " + BASE.getFileName(), () -> grade(Path.of(report))));
        // ./homework check grades the reference solutions AND checks that the wrong ones fail.
        return Boolean.getBoolean("homework.fixtures") ? Stream.concat(grading, wrongAndTemplatesFail()) : grading;
    }

    // ---------------------------------------------------------------- CI: what must fail, fails

    private Stream<DynamicTest> wrongAndTemplatesFail() throws Exception {
        record Case(String label, List<Path> sources, String exercise, boolean template) {
        }
        List<Case> cases = new ArrayList<>();
        for (Path template : templates()) {
            String exercise = nameOf(template);
            cases.add(new Case("template " + exercise, List.of(template), exercise, true));
            Path wrongDir = BASE.resolve("src/homework/wrong").resolve(exercise);
            if (Files.isDirectory(wrongDir)) {
                try (Stream<Path> mistakes = Files.list(wrongDir)) {
                    for (Path mistake : mistakes.filter(Files::isDirectory).sorted().toList()) {
                        cases.add(new Case("wrong " + exercise + "/" + mistake.getFileName(), javaFiles(mistake),
                                exercise, false));
                    }
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(MAX_PARALLEL, cases.size())));
        try {
            List<CompletableFuture<Outcome>> outcomes = cases.stream().map(c -> CompletableFuture.supplyAsync(
                    () -> {
                        long start = System.nanoTime();
                        Outcome o = runAgainst(c.sources(), c.exercise(), Duration.ofSeconds(40), !c.template());
                        System.out.printf("%-60s %6d ms%n", c.label(), (System.nanoTime() - start) / 1_000_000);
                        return o;
                    }, pool)).toList();
            outcomes.forEach(CompletableFuture::join);
            long waiting = System.nanoTime();
            awaitLeftBehind(Duration.ofSeconds(20)); // no test after this one shares the JVM with their sockets
            System.out.printf("%-60s %6d ms%n", "(graded runs still going after their first failure)",
                    (System.nanoTime() - waiting) / 1_000_000);
            List<DynamicTest> tests = new ArrayList<>(answerKeys());
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                Outcome o = outcomes.get(i).join();
                tests.add(dynamicTest(c.label() + " fails its graded tests", () -> {
                    assertThat(o.error()).as("%s: %s", c.label(), o.error()).isNull();
                    assertThat(o.checks()).as("%s ran its graded tests", c.label()).isNotEmpty();
                    assertThat(o.checks()).as("%s must fail at least one graded test (else the tests miss this mistake): %s",
                            c.label(), o.checks()).anyMatch(Check::failed);
                    if (c.template()) {
                        o.checks().stream().filter(Check::failed).forEach(k -> assertThat(k.message())
                                .as("%s: a template fails with the TODO hint", c.label()).startsWith("Not done yet: TODO"));
                    }
                    if (c.label().contains("/" + ANSWER_KEY_MISTAKE)) {
                        assertThat(o.checks()).as("%s fails because it calls the course's own code (the answer key)",
                                c.label()).anyMatch(k -> k.failed() && k.message().contains("is the answer key"));
                    }
                }));
            }
            return tests.stream();
        } finally {
            pool.shutdown();
        }
    }

    /**
     * One check per exercise: its graded test registers a {@link HomeworkAnswerKey} for the exercise's class (so an
     * answer that calls the course's own code fails), and the reference solution (when this build compiled it) does
     * not use the answer key either.
     */
    private static List<DynamicTest> answerKeys() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path template : templates()) {
            String exercise = nameOf(template);
            tests.add(dynamicTest(exercise + "GradedTest guards its answer key", () -> {
                Class<?> graded = Class.forName(PACKAGE + "." + exercise + "GradedTest");
                Optional<HomeworkAnswerKey> key = answerKey(graded);
                assertThat(key).as("%s needs a static HomeworkAnswerKey field for %s (see INSTRUCTORS.md, the"
                        + " answer-key rule)", graded.getSimpleName(), exercise).isPresent();
                assertThat(key.get().answer().getSimpleName()).as("the class %s's answer key guards", graded.getSimpleName())
                        .isEqualTo(exercise);
                assertThat(key.get().violation()).as("the %s this build compiled (the reference solution; the template"
                        + " in a handout) uses the course's own code", exercise).isEmpty();
            }));
        }
        return tests;
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

    /** Compiles {@code sources} in place of the exercise's class and runs its graded test class. */
    static Outcome runAgainst(List<Path> sources, String exercise, Duration limit, boolean stopAtFirstFailure) {
        try {
            Path out = BASE.resolve("target/homework-checks").resolve(exercise + "-" + digest(sources));
            String error = null;
            if (!Files.isDirectory(out)) { // compiled once per version of the sources, then reused
                Path fresh = Files.createTempDirectory(BASE.resolve("target"), "homework-");
                long start = System.nanoTime();
                error = compile(sources, fresh, CLASSPATH);
                System.out.printf("  compiled %s %s in %d ms%n", exercise, out.getFileName(), (System.nanoTime() - start) / 1_000_000);
                if (error == null) {
                    Files.createDirectories(out.getParent());
                    Files.move(fresh, out, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
            if (error != null) {
                return new Outcome(List.of(), false, "does not compile: " + error);
            }
            ClassLoader loader = new ChildFirst(List.of(out, BASE.resolve("target/test-classes"),
                    BASE.resolve("target/classes")), HomeworkChecks.class.getClassLoader());
            return run(Class.forName(PACKAGE + "." + exercise + "GradedTest", false, loader), limit, stopAtFirstFailure);
        } catch (Exception e) {
            return new Outcome(List.of(), false, e.toString());
        }
    }

    // ---------------------------------------------------------------- grading: ./homework grade

    private void grade(Path reportDir) throws Exception {
        String only = System.getProperty("homework.only", "");
        int limit = Integer.parseInt(System.getProperty("homework.limit", String.valueOf(DEFAULT_LIMIT_SECONDS)));
        List<Class<?>> hidden = hiddenTests(System.getProperty("homework.extra", ""));
        String module = BASE.getFileName().toString();
        StringBuilder text = new StringBuilder();
        List<String> json = new ArrayList<>();
        for (Path template : templates()) {
            String exercise = nameOf(template);
            if (!only.isBlank() && !only.equals(exercise)) {
                continue;
            }
            Class<?> graded = Class.forName(PACKAGE + "." + exercise + "GradedTest");
            int points = points(graded);
            long start = System.nanoTime();
            Outcome o = run(graded, Duration.ofSeconds(limit), false);
            List<Check> checks = new ArrayList<>(o.checks());
            boolean timedOut = o.timedOut();
            for (Class<?> h : hidden) {
                if (h.getSimpleName().startsWith(exercise) && !timedOut) {
                    long left = limit - (System.nanoTime() - start) / 1_000_000_000L;
                    Outcome ho = run(h, Duration.ofSeconds(Math.max(1, left)), false);
                    ho.checks().forEach(k -> checks.add(new Check("hidden " + k.name(), k.status(), k.message())));
                    timedOut = ho.timedOut();
                }
            }
            long passed = checks.stream().filter(k -> k.status().equals("passed")).count();
            List<Check> failed = checks.stream().filter(Check::failed).toList();
            Optional<Check> aborted = checks.stream().filter(k -> k.status().equals("aborted")).findFirst();
            String status;
            String summary;
            int earned;
            if (timedOut) {
                status = "timeout";
                earned = 0;
                summary = exercise + " timed out after " + limit + " s (" + passed + " checks passed before that)";
            } else if (o.error() != null) {
                status = "error";
                earned = 0;
                summary = o.error();
            } else if (aborted.isPresent()) {
                status = "not graded";
                earned = 0;
                summary = "not graded on this OS: " + aborted.get().message();
            } else if (checks.isEmpty()) {
                status = "error";
                earned = 0;
                summary = "no graded test ran";
            } else {
                earned = (int) (points * passed / (passed + failed.size()));
                status = failed.isEmpty() ? "pass" : "fail";
                summary = failed.isEmpty() ? "all " + passed + " checks pass"
                        : failed.size() + " of " + (passed + failed.size()) + " checks fail";
            }
            text.append(String.format("%-22s %-24s %3d/%-3d %s%n", module, exercise, earned, points, summary));
            List<Check> shown = status.equals("not graded") ? List.of() : failed;
            for (int i = 0; i < Math.min(shown.size(), MAX_FAILURE_LINES); i++) {
                text.append("      x ").append(shown.get(i).name()).append(": ").append(shown.get(i).message()).append('\n');
            }
            if (shown.size() > MAX_FAILURE_LINES) {
                text.append("      ... and ").append(shown.size() - MAX_FAILURE_LINES).append(" more failed checks\n");
            }
            StringBuilder j = new StringBuilder();
            j.append("{\"name\":").append(quote(module + "/" + exercise)).append(",\"status\":").append(quote(status))
                    .append(",\"score\":").append(earned).append(",\"max_score\":").append(points)
                    .append(",\"message\":").append(quote(summary)).append(",\"checks\":[");
            for (int i = 0; i < checks.size(); i++) {
                Check k = checks.get(i);
                j.append(i == 0 ? "" : ",").append("{\"name\":").append(quote(k.name())).append(",\"status\":")
                        .append(quote(k.status())).append(",\"message\":").append(quote(k.message())).append('}');
            }
            json.add(j.append("]}").toString());
        }
        Files.createDirectories(reportDir);
        Files.writeString(reportDir.resolve(module + ".txt"), text.toString(), StandardCharsets.UTF_8);
        Files.writeString(reportDir.resolve(module + ".json"), String.join(",\n", json), StandardCharsets.UTF_8);
    }

    /** The instructor's hidden tests for this module: every .java under {@code dir} in this package. */
    private static List<Class<?>> hiddenTests(String dir) throws Exception {
        if (dir.isBlank()) {
            return List.of();
        }
        List<Path> mine = new ArrayList<>();
        for (Path p : javaFiles(Path.of(dir))) {
            if (Files.readString(p).contains("package " + PACKAGE + ";")) {
                mine.add(p);
            }
        }
        if (mine.isEmpty()) {
            return List.of();
        }
        Path out = Files.createTempDirectory("homework-hidden");
        String error = compile(mine, out, CLASSPATH);
        if (error != null) {
            throw new IllegalStateException("the hidden tests in " + dir + " do not compile: " + error);
        }
        ClassLoader loader = new ChildFirst(List.of(out, BASE.resolve("target/test-classes"), BASE.resolve("target/classes")),
                HomeworkChecks.class.getClassLoader());
        List<Class<?>> classes = new ArrayList<>();
        for (Path p : mine) {
            String simple = p.getFileName().toString().replace(".java", "");
            classes.add(Class.forName(PACKAGE + "." + simple, false, loader));
        }
        return classes;
    }

    private static int points(Class<?> graded) {
        try {
            Field f = graded.getDeclaredField("POINTS");
            if (Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                return f.getInt(null);
            }
        } catch (ReflectiveOperationException e) {
            // no POINTS: the default
        }
        return DEFAULT_POINTS;
    }

    // ---------------------------------------------------------------- shared machinery

    static List<Path> templates() throws IOException {
        Path dir = BASE.resolve("src/homework/template/java/" + PACKAGE.replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted(Comparator.naturalOrder()).toList();
        }
    }

    /** Waits, at most {@code limit} in all, for runs whose outcome was taken before they ended. */
    static void awaitLeftBehind(Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        for (Thread t : List.copyOf(LEFT_BEHIND)) {
            try {
                t.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!t.isAlive()) {
                LEFT_BEHIND.remove(t);
            }
        }
    }

    /** A short fingerprint of the sources' contents: the key of their compiled classes in target/homework-checks. */
    static String digest(List<Path> sources) throws IOException {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (Path p : sources) {
                sha.update(Files.readAllBytes(p));
            }
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String nameOf(Path javaFile) {
        return javaFile.getFileName().toString().replace(".java", "");
    }

    /** javac in this JVM, at most {@link #COMPILERS} at once, each with a file manager of its own; returns null, or the first error line. */
    static String compile(List<Path> sources, Path out, String classpath) throws InterruptedException {
        StandardJavaFileManager files = FILE_MANAGERS.take();
        try {
            StringWriter errors = new StringWriter();
            boolean ok = JAVAC.getTask(errors, files, null, List.of("-d", out.toString(), "-cp", classpath,
                    "-proc:none", "-nowarn", "-implicit:none", "-encoding", "UTF-8"), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            return ok ? null : errors.toString().lines().filter(l -> l.contains("error")).findFirst().orElse(errors.toString());
        } finally {
            FILE_MANAGERS.add(files);
        }
    }

    /**
     * Runs one test class on a daemon thread; a run still going after {@code limit} is left behind
     * as timed out. With {@code stopAtFirstFailure} (checking a wrong solution: one failure is the
     * proof) the wait ends at the first failed check, and the graded tests run one at a time so that
     * none starts after it (a wrong solution mostly fails by waiting out a deadline: the checks it
     * would fail next are not worth their time).
     */
    static Outcome run(Class<?> testClass, Duration limit, boolean stopAtFirstFailure) {
        CountDownLatch done = new CountDownLatch(1);
        List<Check> checks = Collections.synchronizedList(new ArrayList<>() {
            @Override
            public boolean add(Check c) {
                boolean added = super.add(c);
                if (stopAtFirstFailure && c.failed()) {
                    done.countDown();
                }
                return added;
            }
        });
        String[] error = new String[1];
        Thread runner = Thread.ofPlatform().daemon().name("grading " + testClass.getSimpleName()).unstarted(() -> {
            try {
                launch(testClass, checks, stopAtFirstFailure);
            } catch (Throwable t) {
                error[0] = "the graded tests could not run: " + t;
            } finally {
                done.countDown();
            }
        });
        LEFT_BEHIND.add(runner);
        runner.start();
        boolean finished = false;
        try {
            finished = done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (checks) {
            return new Outcome(List.copyOf(checks), !finished, error[0]);
        }
    }

    /** The JUnit Platform launcher, called by reflection: surefire puts it on the test class path at run time only. */
    private static void launch(Class<?> testClass, List<Check> into, boolean stopAtFirstFailure) throws Exception {
        Thread.currentThread().setContextClassLoader(testClass.getClassLoader());
        Class<?> selectors = Class.forName("org.junit.platform.engine.discovery.DiscoverySelectors");
        Object request = request(selectors.getMethod("selectClass", Class.class).invoke(null, testClass));
        Class<?> listenerType = Class.forName("org.junit.platform.launcher.TestExecutionListener");
        Object listener = Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                (proxy, method, args) -> switch (method.getName()) {
                    case "executionFinished" -> {
                        finished(args[0], args[1], into);
                        yield null;
                    }
                    case "executionSkipped" -> {
                        if ((boolean) call(args[0], "isTest")) {
                            into.add(new Check(displayName(args[0]), "aborted", String.valueOf(args[1])));
                        }
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "homework listener";
                    default -> null;
                });
        Object listenerArray = Array.newInstance(listenerType, 1);
        Array.set(listenerArray, 0, listener);
        Object launcher = Class.forName("org.junit.platform.launcher.core.LauncherFactory").getMethod("create").invoke(null);
        Class<?> launcherType = Class.forName("org.junit.platform.launcher.Launcher");
        Class<?> requestType = Class.forName("org.junit.platform.launcher.LauncherDiscoveryRequest");
        Method execute = launcherType.getMethod("execute", requestType, listenerArray.getClass());
        List<String> units = new ArrayList<>();
        if (stopAtFirstFailure) { // the class's direct children (test methods, templates, nested classes), in JUnit's order
            Object plan = launcherType.getMethod("discover", requestType).invoke(launcher, request);
            Class<?> idType = Class.forName("org.junit.platform.launcher.TestIdentifier");
            Class<?> planType = Class.forName("org.junit.platform.launcher.TestPlan");
            Method children = planType.getMethod("getChildren", idType);
            for (Object engine : (java.util.Set<?>) planType.getMethod("getRoots").invoke(plan)) {
                for (Object container : (java.util.Set<?>) children.invoke(plan, engine)) {
                    for (Object unit : (java.util.Set<?>) children.invoke(plan, container)) {
                        units.add((String) idType.getMethod("getUniqueId").invoke(unit));
                    }
                }
            }
        }
        if (units.isEmpty()) {
            execute.invoke(launcher, request, listenerArray);
            return;
        }
        Method byId = selectors.getMethod("selectUniqueId", String.class);
        for (String unit : units) {
            execute.invoke(launcher, request(byId.invoke(null, unit)), listenerArray);
            synchronized (into) {
                if (into.stream().anyMatch(Check::failed)) {
                    return; // one failure is the proof
                }
            }
        }
    }

    /** A discovery request for one selector. */
    private static Object request(Object selector) throws Exception {
        Object selectorArray = Array.newInstance(Class.forName("org.junit.platform.engine.DiscoverySelector"), 1);
        Array.set(selectorArray, 0, selector);
        Class<?> builderType = Class.forName("org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder");
        Object builder = builderType.getMethod("request").invoke(null);
        builderType.getMethod("selectors", selectorArray.getClass()).invoke(builder, selectorArray);
        return builderType.getMethod("build").invoke(builder);
    }

    private static void finished(Object id, Object result, List<Check> into) throws Exception {
        if (!(boolean) call(id, "isTest")) {
            return;
        }
        String status = call(result, "getStatus").toString();
        Optional<?> thrown = (Optional<?>) call(result, "getThrowable");
        String message = thrown.map(t -> status.equals("ABORTED")
                ? String.valueOf(((Throwable) t).getMessage()).replaceFirst("^Assumption failed: ", "")
                : oneLine((Throwable) t)).orElse("");
        into.add(new Check(displayName(id), switch (status) {
            case "SUCCESSFUL" -> "passed";
            case "ABORTED" -> "aborted";
            default -> "failed";
        }, message));
    }

    private static String displayName(Object id) throws Exception {
        String name = (String) call(id, "getDisplayName");
        return name.endsWith("()") ? name.substring(0, name.length() - 2) : name;
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        m.setAccessible(true);
        return m.invoke(target);
    }

    /** A failure as one line: expected vs. what happened, whitespace folded, cut to a readable length. */
    static String oneLine(Throwable t) {
        String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        if (!(t instanceof AssertionError) && !m.startsWith("Not done yet")) {
            m = t.getClass().getSimpleName() + ": " + m;
        }
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + " ..." : m;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** Loads this package's classes from its own directories first: the code under test replaces the build's. */
    static final class ChildFirst extends URLClassLoader {
        ChildFirst(List<Path> dirs, ClassLoader parent) {
            super(urls(dirs), parent);
        }

        private static URL[] urls(List<Path> dirs) {
            return dirs.stream().map(d -> {
                try {
                    return d.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException(e);
                }
            }).toArray(URL[]::new);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(PACKAGE + ".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException e) {
                        c = super.loadClass(name, false);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
