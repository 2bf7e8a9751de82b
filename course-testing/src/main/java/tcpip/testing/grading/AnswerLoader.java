package tcpip.testing.grading;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tcpip.testing.HomeworkAnswerKey;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The class loader of the code under test: the homework package (the exercise, the student's helpers and nested
 * classes) from the submission's compiled classes, everything else from its parent. A name the exercise's
 * {@link HomeworkAnswerKey} forbids is refused however it is asked for (a reference, {@code Class.forName}, a name
 * built at run time, a helper class of the student's, this loader as the context loader): the request fails with the
 * answer-key message, and the refusal is recorded and reported, so that the grader fails every check of the exercise.
 */
public final class AnswerLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final String packagePrefix;
    private volatile CourseLoader course;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private volatile HomeworkAnswerKey key;

    /**
     * @param dirs   the submission's compiled classes (their homework package is read from here first)
     * @param pkg    the homework package, e.g. {@code tcpip.close.homework}
     * @param parent the JDK and the test libraries (and, outside a graded test JVM, the course's own code)
     */
    public AnswerLoader(List<Path> dirs, String pkg, ClassLoader parent) {
        super("answer", urls(dirs), parent);
        this.packagePrefix = pkg + ".";
    }

    /**
     * The graded tests' loader: the course's classes the exercise may use come from it (in a graded test JVM it holds
     * them), and so do the homework package's test classes (JUnit finds a test class by name through the context
     * class loader, which is this one while the tests run).
     */
    public void pairWith(CourseLoader loader) {
        this.course = loader;
    }

    /** The exercise's answer key: from now on its forbidden classes are refused. */
    public void guard(HomeworkAnswerKey answerKey) {
        this.key = answerKey;
    }

    /** Every refusal so far, as the answer-key message. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(packagePrefix)) {
            Optional<String> refused = refusal(name);
            if (refused.isPresent()) {
                violations.add(refused.get());
                Tripwire.report(refused.get());
                throw new ClassNotFoundException(refused.get());
            }
            CourseLoader c = course;
            if (c != null && name.startsWith("tcpip.")) {
                return c.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name); // the submission's class, never the build's copy
                } catch (ClassNotFoundException e) {
                    CourseLoader tests = course;
                    c = tests == null ? null : tests.loadOwn(name);
                    if (c == null) {
                        throw e;
                    }
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Optional<String> refusal(String name) {
        HomeworkAnswerKey k = key;
        return k == null ? Optional.empty() : k.refusal(name);
    }

    static URL[] urls(List<Path> dirs) {
        List<URL> urls = new ArrayList<>();
        for (Path d : dirs) {
            try {
                urls.add(d.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return urls.toArray(URL[]::new);
    }
}
