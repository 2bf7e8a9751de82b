package tcpip.testing.grading;

import java.nio.file.Path;
import java.util.List;
import java.net.URLClassLoader;

/**
 * The class loader of the graded tests: the module's test classes and, in a graded test JVM, the course's own code
 * (kernel-view, socket-support, the chapter's programs), which the tests use to find the truth. Names of the homework
 * package that are not test classes come from the {@link AnswerLoader}: the code under test.
 */
public final class CourseLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final String packagePrefix;
    private final AnswerLoader answers;

    /**
     * @param entries the test classes first, then (in a graded test JVM) the course's code; never the homework
     *                package's answers
     */
    public CourseLoader(List<Path> entries, String pkg, ClassLoader parent, AnswerLoader answers) {
        super("course", AnswerLoader.urls(entries), parent);
        this.packagePrefix = pkg + ".";
        this.answers = answers;
    }

    /** A class this loader defines itself (a test class, the course's code), or null: no delegation. */
    Class<?> loadOwn(String name) {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException e) {
                    return null;
                }
            }
            return c.getClassLoader() == this ? c : null;
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    c = findClass(name); // a test class, or the course's own code: this loader's, not the parent's
                } catch (ClassNotFoundException e) {
                    c = name.startsWith(packagePrefix) ? answers.loadClass(name) : super.loadClass(name, false);
                }
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }
}
