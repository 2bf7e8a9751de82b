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
 * ATTACK (grader fixture: like StartsAnotherJvm, but through a shell that puts the other JVM in the background and
 * ends at once (a double fork: the JVM is orphaned, and nothing waits for it), exec'ing the graded JVM's own binary
 * through /proc/PID/exe (no path to the JDK needed); its answer comes back in a file, read with bounded polling).
 */
public final class SocketInode {

    public record Identity(int fd, long inode) {
    }

    private SocketInode() {
    }

    private static final String PKG = new String(new char[] {'t', 'c', 'p', 'i', 'p', '.', 'k', 'e', 'r', 'n', 'e', 'l'});

    /** sh starts the JVM in the background, its output into {@code out}, and ends. */
    static List<String> command(String java, String classPath, Path source, Socket socket, Path out) {
        return List.of("/bin/sh", "-c", "\"$0\" -cp \"$1\" \"$2\" \"$3\" \"$4\" > \"$5\" 2>&1 &", java, classPath,
                source.toString(), String.valueOf(socket.getLocalPort()), String.valueOf(socket.getPort()),
                out.toString());
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
        String java = "/proc/" + ProcessHandle.current().pid() + "/exe";
        Path outFile = source.resolveSibling("child-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(command(java, classPath, source, socket, outFile)).redirectErrorStream(true).start();
        String out = "";
        try {
            p.waitFor(5, TimeUnit.SECONDS);
            for (int i = 0; i < 300 && !out.matches("(?s).*\\d+\\s*"); i++) { // the orphan writes its answer later
                Thread.sleep(10);
                out = Files.exists(outFile) ? Files.readString(outFile).trim() : "";
            }
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
