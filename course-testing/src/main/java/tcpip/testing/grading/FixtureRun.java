package tcpip.testing.grading;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import tcpip.testing.HomeworkAnswerKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Runs an exercise's graded tests against other code (a template, a wrong solution) inside this JVM, in class loaders
 * of its own: the fast way the build checks dozens of fixtures at once. The code under test is ours (templates and
 * fixtures, not a submission), so it shares the JVM; grading a submission goes through {@link ExerciseRun}.
 */
public final class FixtureRun {

    /** javac runs at once (each with its own file manager): compiling is CPU work, so about one per core. */
    static final int COMPILERS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
    /** File managers free for a compilation; each caches the class path's index, so they are reused. */
    private static final BlockingQueue<StandardJavaFileManager> FILE_MANAGERS = new ArrayBlockingQueue<>(COMPILERS);
    /** Every run started, so the checks can wait for those still finishing in the background. */
    private static final List<Thread> LEFT_BEHIND = new CopyOnWriteArrayList<>();

    static {
        for (int i = 0; i < COMPILERS; i++) {
            FILE_MANAGERS.add(JAVAC.getStandardFileManager(null, null, StandardCharsets.UTF_8));
        }
    }

    /** Everything one run reported: its checks, the answer-key refusals, whether it hit the time limit, an error. */
    public record Outcome(List<Check> checks, List<String> violations, boolean timedOut, String error) {
    }

    private FixtureRun() {
    }

    /**
     * Compiles {@code sources} in place of the exercise's class (cached in {@code cache} by their contents) and runs
     * its graded test class; {@code classes} and {@code testClasses} are the module's build output.
     */
    public static Outcome run(List<Path> sources, String pkg, String exercise, Path classes, Path testClasses, Path cache,
            String classPath, Duration limit, boolean stopAtFirstFailure) {
        try {
            Path out = cache.resolve(exercise + "-" + digest(sources));
            if (!Files.isDirectory(out)) { // compiled once per version of the sources, then reused
                Files.createDirectories(cache);
                Path fresh = Files.createTempDirectory(cache, "fresh-");
                String error = compile(sources, fresh, classPath);
                if (error != null) {
                    return new Outcome(List.of(), List.of(), false, "does not compile: " + error);
                }
                Files.move(fresh, out, StandardCopyOption.ATOMIC_MOVE);
            }
            ClassLoader app = FixtureRun.class.getClassLoader();
            AnswerLoader answer = new AnswerLoader(List.of(out, classes), pkg, app);
            CourseLoader course = new CourseLoader(List.of(testClasses), pkg, app, answer);
            answer.pairWith(course);
            Class<?> graded = Class.forName(pkg + "." + exercise + "GradedTest", true, course);
            GradedRun.answerKey(graded).ifPresent(answer::guard);
            return run(graded, answer, limit, stopAtFirstFailure);
        } catch (Exception e) {
            return new Outcome(List.of(), List.of(), false, e.toString());
        }
    }

    /** Runs one test class on a daemon thread; a run still going after {@code limit} is left behind as timed out. */
    private static Outcome run(Class<?> testClass, AnswerLoader answer, Duration limit, boolean stopAtFirstFailure) {
        CountDownLatch done = new CountDownLatch(1);
        List<Check> checks = Collections.synchronizedList(new ArrayList<>());
        String[] error = new String[1];
        Thread runner = Thread.ofPlatform().daemon().name("checking " + testClass.getSimpleName()).unstarted(() -> {
            try {
                Thread.currentThread().setContextClassLoader(answer);
                JUnitRun.run(JUnitRun.launcher(), testClass, "", stopAtFirstFailure, c -> {
                    checks.add(c);
                    if (stopAtFirstFailure && c.failed()) {
                        done.countDown();
                    }
                });
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
            return new Outcome(List.copyOf(checks), answer.violations(), !finished, error[0]);
        }
    }

    /** Waits, at most {@code limit} in all, for runs whose outcome was taken before they ended. */
    public static void awaitLeftBehind(Duration limit) {
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

    /** A short fingerprint of the sources' contents: the key of their compiled classes in the cache. */
    static String digest(List<Path> sources) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : sources) {
                sha.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** javac in this JVM, at most {@link #COMPILERS} at once; returns null, or the first error line. */
    static String compile(List<Path> sources, Path out, String classPath) throws InterruptedException {
        StandardJavaFileManager files = FILE_MANAGERS.take();
        try {
            StringWriter errors = new StringWriter();
            boolean ok = JAVAC.getTask(errors, files, null, List.of("-d", out.toString(), "-cp", classPath,
                    "-proc:none", "-nowarn", "-implicit:none", "-encoding", "UTF-8"), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            return ok ? null : errors.toString().lines().filter(l -> l.contains("error")).findFirst().orElse(errors.toString());
        } finally {
            FILE_MANAGERS.add(files);
        }
    }

    /** The static {@link HomeworkAnswerKey} field of a graded test class, if it has one. */
    public static Optional<HomeworkAnswerKey> answerKey(Class<?> graded) throws IllegalAccessException {
        return GradedRun.answerKey(graded);
    }
}
