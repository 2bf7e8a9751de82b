package tcpip.testing.gate;

import java.util.function.BiConsumer;

/**
 * The JDK's side of a graded test JVM's gates. The grader's agent jar puts this class on the boot class path and
 * makes the JDK call it first in {@code ProcessImpl.start} (every process the JDK starts) and in
 * {@code MethodHandles.Lookup}'s defineClass, defineHiddenClass and defineHiddenClassWithClassData. The check it hands
 * them to is the runner's ({@code tcpip.testing.grading.JdkGates}), taken once from the system properties before any
 * submitted code runs and kept in a final field: nothing can swap it afterwards. Outside a graded test JVM there is no
 * check and these calls do nothing.
 */
public final class Gate {

    /** The system property under which the runner leaves the check for this class to take. */
    public static final String KEY = "tcpip.testing.gate.check";

    private static final BiConsumer<String, String[]> CHECK = take();

    private Gate() {
    }

    @SuppressWarnings("unchecked")
    private static BiConsumer<String, String[]> take() {
        Object check = System.getProperties().remove(KEY);
        return check instanceof BiConsumer<?, ?> c ? (BiConsumer<String, String[]>) c : null;
    }

    /** Whether a check is in place. */
    public static boolean armed() {
        return CHECK != null;
    }

    /** Called first in {@code ProcessImpl.start}: {@code command} is the program and its arguments. */
    public static void process(String[] command) {
        if (CHECK != null) {
            CHECK.accept("process", command == null ? new String[0] : command.clone());
        }
    }

    /** Called first in the {@code Lookup} methods that define classes: {@code how} names the method. */
    public static void define(String how) {
        if (CHECK != null) {
            CHECK.accept("define", new String[] {how});
        }
    }
}
