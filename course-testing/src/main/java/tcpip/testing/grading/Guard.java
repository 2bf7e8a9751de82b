package tcpip.testing.grading;

import java.lang.StackWalker.Option;
import java.lang.StackWalker.StackFrame;
import java.util.Optional;

/**
 * The run-time half of the answer-key rule in a graded test JVM: every method of a class the exercise may not use
 * starts with a call to {@link #check} (the class-definition watch adds it as the course loader defines the class).
 * The graded tests call those classes freely; when submitted code is on the calling thread's stack (a class of the
 * answer loader, or of a class loader the submission made), the call fails and is reported. So a forbidden class is
 * refused however the submission got hold of it: by name, by reflection, from another class's loader, or from a
 * graded test's frame on the stack.
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
        Optional<Class<?>> submitted = WALKER.walk(frames -> frames.map(StackFrame::getDeclaringClass)
                .filter(Guard::isSubmitted).findFirst());
        if (submitted.isPresent()) {
            Tripwire.report(refusal);
            throw new AnswerKeyError(refusal);
        }
    }

    /** Code the grader did not load: the answer loader's, or any class loader's that the submission made. */
    static boolean isSubmitted(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        return l instanceof AnswerLoader || (l != null && l != APP && l != PLATFORM && !(l instanceof CourseLoader));
    }
}
