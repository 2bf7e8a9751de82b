package tcpip.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A finished command: exit code (-1 if killed at the time limit) and stdout+stderr together, as a
 * person at a terminal would see them. Input is empty (/dev/null).
 */
public record CommandRun(int exitCode, String output) {

    /** Runs {@code command} in {@code dir}, killing it and its children after {@code seconds}. */
    public static CommandRun run(Path dir, long seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try (var in = p.getInputStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            }, MainRunner.OWN_THREAD);
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            return new CommandRun(done ? p.exitValue() : -1, out.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
