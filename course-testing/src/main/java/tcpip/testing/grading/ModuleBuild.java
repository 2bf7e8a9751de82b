package tcpip.testing.grading;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;

/**
 * One module as Maven built it (its test class path, written by {@code HomeworkChecksTest} before any submitted code
 * ran), sorted into what a graded test JVM needs and copied into the grader's {@link Snapshot}: the test libraries and
 * course-testing (the JVM's class path), the course's code and the graded tests (the course loader), and the
 * submission's classes (the answer loader). Grading a student's code, the grader compiles the template folder itself
 * (every helper of the student's included), so nothing else the build left in the homework package is graded.
 */
final class ModuleBuild {

    final String module;
    final Path baseDir;
    final String pkg;
    final List<Path> appClassPath = new ArrayList<>();
    final List<Path> course = new ArrayList<>();
    final Path answer;
    final Path hidden;
    final List<String> hiddenClasses = new ArrayList<>();

    private ModuleBuild(String module, Path baseDir, String pkg, Path answer, Path hidden) {
        this.module = module;
        this.baseDir = baseDir;
        this.pkg = pkg;
        this.answer = answer;
        this.hidden = hidden;
    }

    /** What the build wrote for {@code module}, or null if it wrote nothing (the module did not compile). */
    static Properties prepared(Path preparedDir, String module) throws IOException {
        Path file = preparedDir.resolve(module + ".properties");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    /**
     * Sorts and copies the module's class path. {@code template}: compile the submission's template folder; otherwise
     * the build's classes of the homework package are the code under test (the reference solutions).
     */
    static ModuleBuild of(Properties prepared, Snapshot snapshot, Path graderClasses, boolean template, Path extra)
            throws IOException {
        String module = prepared.getProperty("module");
        Path base = Path.of(prepared.getProperty("basedir"));
        String pkg = prepared.getProperty("package");
        String folder = pkg.replace('.', '/');
        Path classes = base.resolve("target/classes");
        Path testClasses = base.resolve("target/test-classes");
        ModuleBuild b = new ModuleBuild(module, base, pkg, snapshot.root().resolve(module + "/answer"),
                snapshot.root().resolve(module + "/hidden"));
        List<Path> compileClassPath = new ArrayList<>();
        int n = 0;
        for (String entry : prepared.getProperty("classpath").split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path p = Path.of(entry).toAbsolutePath().normalize();
            String name = String.format("%02d-%s", n++, p.getFileName());
            if (p.equals(testClasses)) {
                b.course.add(0, snapshot.copy(p, module + "/tests", rel -> false));
            } else if (p.equals(classes)) { // the module's programs, without the homework package
                Path main = snapshot.copy(p, module + "/main", rel -> rel.toString().replace('\\', '/').equals(folder)
                        || rel.toString().replace('\\', '/').startsWith(folder + "/"));
                b.course.add(main);
                compileClassPath.add(main);
            } else if (p.equals(graderClasses) || isLibrary(p, base)) {
                Path copy = snapshot.root().resolve("app/" + p.getFileName());
                b.appClassPath.add(Files.exists(copy) ? copy : snapshot.copy(p, "app/" + p.getFileName(), rel -> false));
                compileClassPath.add(p);
            } else {
                Path copy = snapshot.copy(p, module + "/course/" + name, rel -> false);
                b.course.add(copy);
                compileClassPath.add(copy);
            }
        }
        if (template) {
            Path sources = base.resolve("src/homework/template/java");
            String error = compile(javaFiles(sources), b.answer, compileClassPath);
            if (error != null) {
                throw new NotBuilt(Sentence.of("build.homework", Text.clean(error, 300)));
            }
        } else {
            snapshot.copy(classes.resolve(folder), module + "/answer/" + folder, rel -> false);
        }
        if (extra != null) {
            b.compileHidden(extra, compileClassPath, testClasses);
        }
        return b;
    }

    /** A test library (JUnit, AssertJ, ...): a jar that is not one of the course's modules. */
    private static boolean isLibrary(Path entry, Path base) {
        if (!entry.toString().endsWith(".jar")) {
            return false;
        }
        String s = entry.toString().replace('\\', '/');
        return !s.contains("/tcpip/visible/") || s.contains("/course-testing/");
    }

    /** The instructor's hidden tests in this module's homework package, compiled against the module's build. */
    private void compileHidden(Path extra, List<Path> classPath, Path testClasses) throws IOException {
        List<Path> mine = new ArrayList<>();
        for (Path p : javaFiles(extra)) {
            if (Files.readString(p).contains("package " + pkg + ";")) {
                mine.add(p);
                hiddenClasses.add(pkg + "." + p.getFileName().toString().replace(".java", ""));
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        List<Path> cp = new ArrayList<>(classPath);
        cp.add(testClasses);
        cp.add(answer.toFile().exists() ? answer : testClasses);
        String error = compile(mine, hidden, cp);
        if (error != null) {
            throw new NotBuilt(Sentence.of("build.hidden", extra, Text.clean(error, 300)));
        }
        course.add(1, hidden);
    }

    static List<Path> javaFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** javac in this JVM without annotation processing (so compiling runs none of the sources); null, or the first error. */
    static String compile(List<Path> sources, Path out, List<Path> classPath) throws IOException {
        Files.createDirectories(out);
        if (sources.isEmpty()) {
            return null;
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            String cp = String.join(File.pathSeparator, classPath.stream().map(Path::toString).toList());
            boolean ok = javac.getTask(errors, files, null, List.of("-d", out.toString(), "-cp", cp, "-proc:none",
                    "-nowarn", "-implicit:none", "-encoding", "UTF-8", "--release", "21"), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            return ok ? null : errors.toString().lines().filter(l -> l.contains("error")).findFirst().orElse(errors.toString());
        }
    }

    /** The hidden test classes that count for {@code exercise} (their names start with it). */
    List<String> hiddenFor(String exercise) {
        return hiddenClasses.stream().filter(c -> c.substring(c.lastIndexOf('.') + 1).startsWith(exercise)).toList();
    }

    /** The module's homework or hidden tests do not compile: every exercise of it scores 0, and why. */
    static final class NotBuilt extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient Sentence why;

        NotBuilt(Sentence why) {
            super(why.text(false));
            this.why = why;
        }

        Sentence why() {
            return why;
        }
    }
}
