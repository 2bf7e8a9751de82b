package tcpip.echo.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * ATTACK (grader fixture: starts another JVM, the running JVM's own java with the grader's copy of the class path,
 * on a source file it writes to its folder; that JVM calls the course's SocketTable, which no watch of the graded JVM
 * sees, and prints the inode; the answer reads it and finds the fd itself. A red team scored 8/8 that way).
 */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    private static final String PKG = new String(new char[] {'t', 'c', 'p', 'i', 'p', '.', 'k', 'e', 'r', 'n', 'e', 'l'});

    /** The command that starts the other JVM; the double-fork variant overrides how it is run. */
    static List<String> command(String java, String classPath, Path source, Socket socket) {
        return List.of(java, "-cp", classPath, source.toString(), String.valueOf(socket.getLocalPort()),
                String.valueOf(socket.getPort()));
    }

    public static Identity of(Socket socket) throws IOException {
        Path answer = Path.of(SocketInode.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path top = answer.getParent().getParent(); // the grader's class path copy
        String classPath;
        try (Stream<Path> s = Files.walk(top, 8)) {
            classPath = s.filter(p -> p.toString().endsWith(PKG.replace('.', '/') + "/SocketRow.class")).findFirst()
                    .orElseThrow(() -> new IOException("no course classes")).getParent().getParent().getParent().toString();
        }
        Path source = Path.of(System.getProperty("java.io.tmpdir")).resolve("Child.java");
        Files.writeString(source, "public class Child { public static void main(String[] a) {"
                + " System.out.println(" + PKG + ".SocketTable.connection(Integer.parseInt(a[0]),"
                + " Integer.parseInt(a[1])).get().inode()); } }");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(command(java, classPath, source, socket)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long inode = Long.parseLong(out.lines().reduce((a, b) -> b).orElse("-1"));
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals("socket:[" + inode + "]")) {
                        return new Identity(Integer.parseInt(fd.getFileName().toString()), inode);
                    }
                } catch (IOException e) {
                    // gone
                }
            }
        }
        throw new IOException("no fd for " + inode + ": " + out);
    }
}
