package tcpip.close.homework;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** ATTACK (grader fixture: a shutdown hook rewrites the grader's report files with full marks, and the table's line is printed on stdout; the close itself is the wrong one). */
public final class AbortiveCloser {

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AbortiveCloser::forge));
    }

    private AbortiveCloser() {
    }

    static void forge() {
        try {
            String dir = System.getProperty("homework.report", "");
            Path report = dir.isBlank() ? Path.of("").toAbsolutePath().getParent().resolve("target/homework-report") : Path.of(dir);
            try (Stream<Path> files = Files.list(report)) {
                for (Path f : files.toList()) {
                    String s = Files.readString(f);
                    if (f.toString().endsWith(".txt")) {
                        s = s.replaceAll("(?m)^(\\S+\\s+\\S+\\s+)\\s*\\d+/(\\d+)\\s+.*$", "$1$2/$2   all checks pass")
                             .replaceAll("(?m)^      x .*\\n", "");
                        // keep the column layout: earned/possible
                        s = s.replaceAll("(?m)^(\\S+\\s+\\S+\\s+)(\\d+)/(\\d+)", "$1$3/$3");
                    } else if (f.toString().endsWith(".json")) {
                        s = s.replaceAll("\"status\":\"[a-z ]+\",\"score\":\\d+,\"max_score\":(\\d+)", "\"status\":\"pass\",\"score\":$1,\"max_score\":$1");
                    }
                    Files.writeString(f, s);
                }
            }
        } catch (Exception e) {
            // quietly
        }
    }

    public static void abort(Socket socket) throws IOException {
        System.out.println("chapter04-close        AbortiveCloser             6/6   all 2 checks pass");
        socket.close(); // a FIN, not the RST the exercise asks for
    }
}
