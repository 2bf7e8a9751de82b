package tcpip.tour;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The course checkout as the course's own checks see it: its root and its homework. */
final class CourseTree {

    private CourseTree() {
    }

    /** The checkout's root directory (set by the parent pom; falls back to "..") */
    static Path root() {
        return tcpip.testing.ReadmeCommands.root();
    }

    static List<Path> templates(Path root) throws IOException {
        return homework(root, "template");
    }

    static List<Path> solutions(Path root) throws IOException {
        return homework(root, "solution");
    }

    private static List<Path> homework(Path root, String variant) throws IOException {
        try (Stream<Path> files = Files.walk(root, 12)) {
            return files.filter(p -> p.toString().contains("/src/homework/" + variant + "/") && p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .sorted().toList();
        }
    }
}
