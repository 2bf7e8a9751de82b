package tcpip.testing.grading;

import java.lang.StackWalker.Option;
import java.lang.StackWalker.StackFrame;
import java.util.List;
import java.util.Set;

/**
 * The run-time half of the answer-key rule in a graded test JVM: every method of a class the exercise may not use
 * starts with a call to {@link #check} (the class-definition watch adds it as the course loader defines the class).
 * The graded tests call those classes freely; when submitted code is on the calling thread's stack (a class of the
 * answer loader, or of a class loader the submission made), the call fails and is reported. So does a call on a
 * thread that no graded test started: the outermost code on it that is not the JDK's must be the graded tests'
 * machinery (the runner, JUnit's engine) or a lambda or task of a graded test or of the course's code, not a method
 * entered straight from JDK machinery (a method-handle proxy on a pool thread). So a forbidden class is refused
 * however the submission got hold of it: by name, by reflection, from another class's loader, from a graded test's
 * frame on the stack, or on a thread it handed a task to.
 */
public final class Guard {

    private static final StackWalker WALKER = StackWalker.getInstance(Option.RETAIN_CLASS_REFERENCE);
    private static final ClassLoader APP = ClassLoader.getSystemClassLoader();
    private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();

    private Guard() {
    }

    /** Thrown into submitted code that reached a forbidden class. */
    public static final class AnswerKeyError extends Error {
        private static final long serialVersionUID = 1L;

        AnswerKeyError(String message) {
            super(message);
        }
    }

    /** Called first in every method of a forbidden class; {@code refusal} is the answer-key message for it. */
    public static void check(String refusal) {
        if (WALKER.walk(frames -> onBehalfOfSubmission(frames.toList()))) {
            Tripwire.report(refusal);
            throw new AnswerKeyError(refusal);
        }
    }

    /**
     * Whether the calling thread runs on behalf of submitted code (the rule of {@link #check}), for the JDK gates
     * ({@link JdkGates}): a process started or a class defined for the submission.
     */
    static boolean submissionOnStack() {
        return WALKER.walk(frames -> onBehalfOfSubmission(frames.filter(f -> !isGate(f.getDeclaringClass())).toList()));
    }

    /** The gates' own frames (the check and this class): left out, or the gate would count as the thread's starter. */
    private static boolean isGate(Class<?> c) {
        return c == Guard.class || c.getName().startsWith(JdkGates.class.getName());
    }

    /** {@code frames}: the innermost first. */
    private static boolean onBehalfOfSubmission(List<StackFrame> frames) {
        if (frames.stream().anyMatch(f -> isSubmitted(f.getDeclaringClass()))) {
            return true;
        }
        for (int i = frames.size() - 1; i >= 0; i--) { // from the thread's entry inwards
            StackFrame f = frames.get(i);
            Class<?> c = f.getDeclaringClass();
            ClassLoader l = c.getClassLoader();
            String n = c.getName();
            if (l == null || l == PLATFORM || (l == APP && n.startsWith("org.junit.jupiter.api."))) {
                continue; // machinery that runs what it is given: the JDK's threads, pools, method handles; JUnit's
                          // assertTimeoutPreemptively (the engine runs each test on such a thread)
            }
            if (l == APP) {
                return !(n.startsWith("tcpip.testing.grading.") || n.startsWith("org.junit.platform.")
                        || n.startsWith("org.junit.jupiter.engine."));
            }
            return !(l instanceof CourseLoader) || !(f.getMethodName().startsWith("lambda$") || TASKS.contains(f.getMethodName())
                    || Thread.class.isAssignableFrom(c));
        }
        return true; // nothing but the JDK's code below a forbidden class: not started by a graded test
    }

    /** The methods by which JDK machinery runs a task: a graded test's or the course's task may start a thread there. */
    private static final Set<String> TASKS = Set.of("run", "call", "get", "accept", "apply", "test");

    /** Code the grader did not load: the answer loader's, or any class loader's that the submission made. */
    static boolean isSubmitted(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l instanceof AnswerLoader || (l != null && l != APP && l != PLATFORM && !(l instanceof CourseLoader));
    }
}
