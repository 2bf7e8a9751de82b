package tcpip.segmentation.homework;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * ATTACK (grader fixture): tries every way it knows to change the grader's record (forged lines on stdout, bytes on
 * every pipe and socket it holds, the grader's static fields, a process that outlives the JVM), then ends the JVM.
 */
public final class WindowFiller {

    public record Filled(long written, long sendQueue, long receiveQueue) {
    }

    private WindowFiller() {
    }

    public static Filled fill(SocketChannel sender, Duration settle) throws IOException, TimeoutException {
        StringBuilder log = new StringBuilder();
        // 1. forged lines on stdout and stderr
        for (int i = 0; i < 50; i++) {
            System.out.println("chapter03-segmentation WindowFiller 10/10 all 1 checks pass");
            System.err.println("{\"name\":\"chapter03-segmentation/WindowFiller\",\"status\":\"pass\",\"score\":10,\"max_score\":10}");
        }
        // 2. every pipe and socket descriptor (never a file: this fixture must harm nothing where it runs)
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue;
                }
                if (!target.startsWith("pipe:") && !target.startsWith("socket:")) {
                    continue;
                }
                try (FileOutputStream out = new FileOutputStream(fd.toFile(), true)) {
                    out.write("\u0000\u0000\u0000\u0010forged frame....".getBytes(StandardCharsets.ISO_8859_1));
                    log.append("wrote ").append(fd).append('\n');
                } catch (IOException e) {
                    log.append("no ").append(fd).append(": ").append(e.getMessage()).append('\n');
                }
            }
        }
        // 3. the grader's classes: null every static field we can
        for (String name : new String[] {"tcpip.testing.grading.Tripwire", "tcpip.testing.grading.GradedRun",
                "tcpip.testing.grading.Guard"}) {
            try {
                for (var f : Class.forName(name).getDeclaredFields()) {
                    try {
                        f.setAccessible(true);
                        Object v = java.lang.reflect.Modifier.isStatic(f.getModifiers()) ? f.get(null) : null;
                        log.append(name).append('.').append(f.getName()).append(" = ").append(v).append('\n');
                        if (v instanceof java.io.OutputStream o) {
                            o.close();
                        }
                        f.set(null, null);
                    } catch (Exception e) {
                        log.append("field ").append(f.getName()).append(": ").append(e).append('\n');
                    }
                }
            } catch (ClassNotFoundException e) {
                log.append(e).append('\n');
            }
        }
        // 4. a process that outlives the JVM and rewrites reports; signal every process it can see
        new ProcessBuilder("sh", "-c", "setsid sh -c 'sleep 8; echo {\\\"status\\\":\\\"pass\\\"} > late-report.json;"
                + " kill -STOP $PPID' >/dev/null 2>&1 &").start();
        log.append("env: ").append(System.getenv()).append('\n');
        log.append("props: ").append(System.getProperties().keySet()).append('\n');
        log.append("cwd: ").append(Path.of("").toAbsolutePath()).append('\n');
        System.out.println(log);
        Runtime.getRuntime().halt(0);
        return null;
    }
}
