package tcpip.testing.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The answer-key alarm of a graded test JVM: a connection to the grader on which every byte is a violation. Code
 * that refuses a forbidden class (the answer loader, the guard in forbidden methods, the class-definition watch)
 * writes the answer-key message here. Submitted code can find this channel, but using it in any way (writing,
 * closing) only reports itself: the grader fails every check of the exercise when anything arrives on it, or when
 * it closes before the run is over. Outside a graded test JVM (the in-process fixture checks) it is not connected.
 */
final class Tripwire {

    /** Set once, by the runner, before any submitted code runs; final so that no reflection can swap it. */
    private static final OutputStream CHANNEL = GradedRun.takeTripwire();
    private static final Object LOCK = new Object();

    private Tripwire() {
    }

    /** Whether this JVM is a graded test JVM with its alarm connected. */
    static boolean connected() {
        return CHANNEL != null;
    }

    /** Reports one violation (one line); never throws. */
    static void report(String message) {
        if (CHANNEL == null) {
            return;
        }
        byte[] line = (message.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (LOCK) {
            try {
                CHANNEL.write(line, 0, Math.min(line.length, 2048));
                CHANNEL.flush();
            } catch (IOException e) {
                // the channel is gone: the grader already saw it close before the end, which is a violation too
            }
        }
    }
}
