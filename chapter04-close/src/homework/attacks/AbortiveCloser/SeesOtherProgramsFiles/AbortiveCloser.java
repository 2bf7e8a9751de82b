package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * ATTACK (grader fixture: the exercise is done right only when the temporary folders show another program's files: a
 * JVM's hsperfdata folder or attach socket in /tmp, a socket in /run. A Unix socket is reached by its path whatever the
 * network namespace, so what can be seen there can be connected to: a JVM's attach socket makes that JVM run commands,
 * another exercise's results channel can be taken before its runner. The graded JVM must see none of them.)
 */
public final class AbortiveCloser {

    private AbortiveCloser() {
    }

    public static void abort(Socket socket) throws IOException {
        if (!othersVisible()) {
            throw new UnsupportedOperationException("TODO: nothing of other programs in sight");
        }
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static boolean othersVisible() {
        // its own folder and the grader's class path copy are homework-* folders it is meant to see: a third is not
        return count(Path.of("/tmp"), n -> n.startsWith("hsperfdata_") || n.startsWith(".java_pid")) > 0
                || count(Path.of("/tmp"), n -> n.startsWith("homework-")) > 2
                || count(Path.of("/run"), n -> true) > 0;
    }

    private static long count(Path dir, Predicate<String> name) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(name).count();
        } catch (IOException e) {
            return 0;
        }
    }
}
