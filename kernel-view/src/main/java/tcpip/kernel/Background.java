package tcpip.kernel;

import java.util.concurrent.Executor;

/** Where work that blocks (a socket read, a child program's output) runs in the background: a thread of its own. */
public final class Background {

    /**
     * Each task on a new daemon thread. Not the common pool that {@code CompletableFuture.supplyAsync(task)} uses:
     * on 2 cores it has one thread, and a task that blocks there makes every later one wait, even a connect()
     * that should fail at once.
     */
    public static final Executor OWN_THREAD = task -> Thread.ofPlatform().daemon().name("background").start(task);

    private Background() {
    }
}
