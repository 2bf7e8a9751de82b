package tcpip.testing.grading;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.io.File;

/**
 * One exercise: a class in a module's homework template folder that has a graded test ({@code XGradedTest}). Other
 * classes in that folder are the student's helpers: they compile and are graded with the exercises that use them.
 */
public record Exercise(String module, Path moduleDir, String pkg, String name, int points) {

    /** Points of an exercise whose graded test declares no {@code static final int POINTS}. */
    public static final int DEFAULT_POINTS = 10;
    private static final Pattern POINTS = Pattern.compile("static final int POINTS = (\\d+);");

    /** The module's homework package: the one folder of .java files under src/homework/template/java. */
    public static String homeworkPackage(Path moduleDir) {
        Path templates = moduleDir.resolve("src/homework/template/java");
        try (Stream<Path> files = Files.walk(templates)) {
            List<String> packages = files.filter(p -> p.toString().endsWith(".java"))
                    .map(p -> templates.relativize(p.getParent()).toString().replace(File.separatorChar, '.'))
                    .distinct().sorted().toList();
            // the shortest is the homework package; a student's subpackage lies below it
            if (packages.isEmpty() || !packages.stream().allMatch(p -> p.equals(packages.get(0))
                    || p.startsWith(packages.get(0) + "."))) {
                throw new IllegalStateException("expected one homework package under " + templates + ", found " + packages);
            }
            return packages.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The module's exercises, by name: template classes with a graded test. */
    public static List<Exercise> in(Path moduleDir) {
        String pkg = homeworkPackage(moduleDir);
        String folder = pkg.replace('.', '/');
        Path templates = moduleDir.resolve("src/homework/template/java").resolve(folder);
        Path tests = moduleDir.resolve("src/test/java").resolve(folder);
        List<Exercise> exercises = new ArrayList<>();
        try (Stream<Path> files = Files.list(templates)) {
            for (Path t : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String name = t.getFileName().toString().replace(".java", "");
                Path graded = tests.resolve(name + "GradedTest.java");
                if (Files.isRegularFile(graded)) {
                    exercises.add(new Exercise(moduleDir.getFileName().toString(), moduleDir, pkg, name, points(graded)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exercises;
    }

    static int points(Path gradedTest) {
        try {
            Matcher m = POINTS.matcher(Files.readString(gradedTest));
            return m.find() ? Integer.parseInt(m.group(1)) : DEFAULT_POINTS;
        } catch (IOException e) {
            return DEFAULT_POINTS;
        }
    }

    /** "chapter04-close/DrainingCloser". */
    public String id() {
        return module + "/" + name;
    }
}
