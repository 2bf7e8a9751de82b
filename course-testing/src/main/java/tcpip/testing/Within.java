package tcpip.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls exercise code with a time limit, so a solution that blocks fails with a sentence instead of hanging the grader. */
public final class Within {

    private Within() {
    }

    /** Runs {@code body} on a daemon thread and waits at most {@code limit}; its exceptions come out as they are. */
    public static <T> T call(Duration limit, String what, Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofPlatform().daemon().name("exercise: " + what).start(task);
        try {
            return task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not return within " + limit.toMillis() + " ms: " + "it is blocked"
                    + " (a read without a deadline, or waiting for a FIN that never comes)");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }

    /** {@link #call} for code that returns nothing. */
    public static void run(Duration limit, String what, ThrowingRunnable body) throws Exception {
        call(limit, what, () -> {
            body.run();
            return null;
        });
    }

    /** A block that may throw. */
    public interface ThrowingRunnable {
        void run() throws Exception;
    }
}
