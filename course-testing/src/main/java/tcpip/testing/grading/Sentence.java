package tcpip.testing.grading;

import java.util.List;
import tcpip.testing.Msg;

/**
 * A grader's sentence kept as its bundle key and arguments, so the table shows it in the chosen language and the
 * JSON report in English. An argument is data (a number, a name, text from a graded JVM, already through
 * {@link Text#clean}) or another Sentence.
 */
record Sentence(String key, List<Object> args) {

    static Sentence of(String key, Object... args) {
        return new Sentence(key, List.of(args));
    }

    /** The sentence in Korean ({@code true}) or English. */
    String text(boolean korean) {
        Object[] shown = args.stream().map(a -> a instanceof Sentence s ? s.text(korean) : a).toArray();
        return Msg.get(korean, key, shown);
    }

    /** English, for the JSON report and for logs. */
    @Override
    public String toString() {
        return text(false);
    }
}
