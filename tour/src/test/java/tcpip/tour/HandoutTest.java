package tcpip.tour;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instructor's handout ({@code ./homework handout DIR}) holds no reference or wrong solution,
 * builds the templates by default, and compiles (one in-process javac: the templates, with the main code that
 * can see them when any of it uses a homework class). That each
 * exercise's template FAILS its graded tests is checked in every chapter by its HomeworkChecksTest,
 * which compiles the template in place of the solution and runs the graded test class.
 */
class HandoutTest {

    private static final Path ROOT = CourseTree.root();
    private static final Pattern ARTIFACT = Pattern.compile("<artifactId>\\s*([^<\\s]+)\\s*</artifactId>");

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void handoutHasNoSolutionsDefaultsToTemplatesAndCompiles(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(ROOT.resolve(".git")), "the handout is made from a git checkout");
        List<Path> exercises = CourseTree.templates(ROOT);
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is already a handout");

        Path handout = tmp.resolve("handout");
        tcpip.testing.CommandRun made = tcpip.testing.CommandRun.run(ROOT, 60, "bash", "homework", "handout", handout.toString());
        assertThat(made.exitCode()).as("./homework handout: %s", made.output()).isZero();
        List<String> written;
        try (Stream<Path> all = Files.walk(handout)) {
            written = all.filter(Files::isRegularFile).map(p -> handout.relativize(p).toString()).sorted().toList();
        }
        tcpip.testing.CommandRun tracked = tcpip.testing.CommandRun.run(ROOT, 60, "git", "ls-files");
        assertThat(tracked.output().lines().toList()).as("the handout writes tracked files only (never an instructor's"
                + " untracked hidden test)").containsAll(written);
        assertThat(made.output()).as("./homework handout says how many files it wrote")
                .contains("handout written to " + handout + ": " + written.size() + " tracked files");
        assertThat(CourseTree.solutions(handout)).as("reference solutions in the handout").isEmpty();
        assertThat(files(handout, "/src/homework/wrong/")).as("wrong solutions (instructor fixtures) in the handout").isEmpty();
        assertThat(files(handout, "/src/homework/attacks/")).as("the grader's attack fixtures in the handout").isEmpty();
        assertThat(handout.resolve("INSTRUCTORS.md")).as("the instructors' guide stays out of the handout").doesNotExist();
        assertThat(Files.readString(handout.resolve("pom.xml"))).contains("<homework>template</homework>");
        assertThat(CourseTree.templates(handout)).as("every exercise's template").hasSameSizeAs(exercises);
        assertThat(Files.readString(handout.resolve("README.md"))).as("the handout README points at no solution")
                .doesNotContain("src/homework/solution");
        try (Stream<Path> docs = Files.list(handout)) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                assertThat(Files.readString(doc)).as("%s in the handout links no instructors' guide", doc.getFileName())
                        .doesNotContain("](INSTRUCTORS.md)").doesNotContain("Instructors: INSTRUCTORS.md");
            }
        }

        // One offline compile of the handout as the learner gets it: the templates, with the main code of every module
        // that can see one (a module with homework and every module that depends on one) when any of that code uses a
        // homework class. Main code that uses none is the code the build just compiled (the handout copies it as it
        // is): swapping solutions for templates cannot change how it compiles, and its classes are on the class path.
        List<String> seeing = modulesSeeingTemplates(handout);
        assertThat(seeing).as("modules that can see a template").contains("tour")
                .containsAll(CourseTree.templates(handout).stream().map(t -> handout.relativize(t).getName(0).toString())
                        .distinct().toList());
        List<Path> mainCode = new ArrayList<>();
        for (String module : seeing) {
            mainCode.addAll(files(handout.resolve(module), "/src/main/java/"));
        }
        List<String> users = usersOfHomework(handout, seeing, ROOT);
        List<Path> sources = new ArrayList<>(CourseTree.templates(handout));
        if (!users.isEmpty()) {
            sources.addAll(mainCode); // what uses a homework class, and everything beside it, compiles with the templates
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            boolean ok = javac.getTask(errors, fm, null, List.of("-d", tmp.resolve("classes").toString(), "-cp", cp,
                    "-proc:none", "-nowarn", "-encoding", "UTF-8"), null, fm.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(ok).as("the handout compiles:%n%s", errors).isTrue();
        }
    }

    @Test
    void everyExerciseHasASolutionWrongSolutionsAndAGradedTest() throws IOException {
        List<Path> templates = CourseTree.templates(ROOT);
        assumeTrue(!CourseTree.solutions(ROOT).isEmpty(), "this tree is a handout");
        for (Path t : templates) {
            Path solution = Path.of(t.toString().replace("/src/homework/template/", "/src/homework/solution/"));
            assertThat(solution).as("solution for %s", t).exists();
            String name = t.getFileName().toString().replace(".java", "");
            Path module = ROOT.resolve(ROOT.relativize(t).getName(0));
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                assertThat(tests.map(p -> p.getFileName().toString())).as("graded test for %s", name)
                        .contains(name + "GradedTest.java", "HomeworkChecksTest.java");
            }
            assertThat(Files.readString(t)).as("template %s has a TODO", t).contains("\"TODO");
            Path wrong = module.resolve("src/homework/wrong").resolve(name);
            try (Stream<Path> mistakes = Files.isDirectory(wrong) ? Files.list(wrong) : Stream.empty()) {
                assertThat(mistakes.filter(Files::isDirectory).count()).as("wrong solutions of %s (2 or more)", name)
                        .isGreaterThanOrEqualTo(2);
            }
        }
    }

    /**
     * The handout must ship the course's own code (the graded tests and the demos use kernel-view and the chapters'
     * programs), so where that code does what an exercise asks it is the exercise's answer key: every graded test
     * registers a HomeworkAnswerKey, which fails every check of an answer that uses it (each chapter's
     * HomeworkChecksTest checks that the key guards the right class and that a wrong solution calling the course's
     * code fails on it). So nothing in the handout's src/main can stand in for an answer.
     */
    @Test
    void everyGradedTestGuardsItsAnswerKey() throws IOException {
        for (Path t : CourseTree.templates(ROOT)) {
            String name = t.getFileName().toString().replace(".java", "");
            Path module = ROOT.resolve(ROOT.relativize(t).getName(0));
            List<Path> graded;
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                graded = tests.filter(p -> p.getFileName().toString().equals(name + "GradedTest.java")).toList();
            }
            assertThat(graded).as("graded test of %s", name).hasSize(1);
            assertThat(Files.readString(graded.get(0))).as("%s registers the answer-key rule for %s", graded.get(0), name)
                    .contains("@RegisterExtension", "HomeworkAnswerKey.of(" + name + ".class)");
        }
    }

    /**
     * Every exercise has a row in its chapter README's Homework table: what to build, the article section, the
     * expected minutes and the points, which are its graded test's POINTS; the chapter total adds them up.
     */
    @Test
    void everyExerciseHasAReadmeRowWithSectionMinutesAndPoints() throws IOException {
        java.util.Map<Path, Integer> totals = new java.util.TreeMap<>();
        for (Path t : CourseTree.templates(ROOT)) {
            String name = t.getFileName().toString().replace(".java", "");
            Path module = ROOT.resolve(ROOT.relativize(t).getName(0));
            String readme = Files.readString(module.resolve("README.md"));
            int at = readme.indexOf("\n## Homework");
            assertThat(at).as("%s/README.md has a Homework section", module.getFileName()).isNotNegative();
            String homework = readme.substring(at);
            java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `" + name
                    + "` \\| ([^|]{20,}) \\| ([^|]+) \\| (\\d+) \\| (\\d+) \\|$").matcher(homework);
            assertThat(row.find()).as("%s/README.md Homework table: a row `%s` | what to build | article section |"
                    + " minutes | points", module.getFileName(), name).isTrue();
            String graded;
            try (Stream<Path> tests = Files.walk(module.resolve("src/test/java"))) {
                graded = Files.readString(tests.filter(p -> p.getFileName().toString().equals(name + "GradedTest.java"))
                        .findFirst().orElseThrow());
            }
            java.util.regex.Matcher points = java.util.regex.Pattern.compile("static final int POINTS = (\\d+);")
                    .matcher(graded);
            assertThat(points.find()).as("%sGradedTest declares POINTS", name).isTrue();
            assertThat(row.group(4)).as("points of %s in the README vs. its graded test", name).isEqualTo(points.group(1));
            assertThat(row.group(2)).as("article section of %s", name).containsAnyOf("소켓", "handshake", "데이터 송수신");
            totals.merge(module, Integer.parseInt(points.group(1)), Integer::sum);
        }
        for (var e : totals.entrySet()) {
            assertThat(Files.readString(e.getKey().resolve("README.md"))).as("the chapter total in %s", e.getKey())
                    .contains(e.getValue() + " points in this chapter");
        }
    }

    /**
     * The modules of {@code tree} whose main code can see a homework template: those with a template folder, then every
     * module whose pom names one of them (a dependency), until no more join.
     */
    static List<String> modulesSeeingTemplates(Path tree) throws IOException {
        Map<String, Set<String>> names = new TreeMap<>(); // module -> every artifactId its pom names
        try (Stream<Path> dirs = Files.list(tree)) {
            for (Path pom : dirs.map(d -> d.resolve("pom.xml")).filter(Files::isRegularFile).toList()) {
                Matcher m = ARTIFACT.matcher(Files.readString(pom));
                Set<String> named = new HashSet<>();
                while (m.find()) {
                    named.add(m.group(1));
                }
                names.put(pom.getParent().getFileName().toString(), named);
            }
        }
        Set<String> seeing = new TreeSet<>();
        names.keySet().stream().filter(m -> Files.isDirectory(tree.resolve(m).resolve("src/homework/template")))
                .forEach(seeing::add);
        boolean grew = !seeing.isEmpty();
        while (grew) {
            grew = false;
            for (var e : names.entrySet()) {
                if (!seeing.contains(e.getKey()) && e.getValue().stream().anyMatch(seeing::contains)) {
                    grew = seeing.add(e.getKey());
                }
            }
        }
        return List.copyOf(seeing);
    }

    /**
     * What in the main code of {@code modules} uses a homework class: a source file that names one, or a class the build
     * compiled into {@code built}'s {@code MODULE/target/classes} (not a homework class itself) whose class file names
     * one (a call through another class's method leaves the homework class in the caller's constant pool even where its
     * source does not name it; a constant the compiler inlined leaves none, but its source names it).
     */
    static List<String> usersOfHomework(Path tree, List<String> modules, Path built) throws IOException {
        Set<String> simple = new TreeSet<>();
        Set<String> internal = new TreeSet<>();
        for (String variant : List.of("template", "solution")) {
            for (Path t : variant.equals("template") ? CourseTree.templates(tree) : CourseTree.solutions(built)) {
                String rel = t.toString().replaceAll(".*/src/homework/" + variant + "/java/", "").replaceAll("\\.java$", "");
                simple.add(rel.substring(rel.lastIndexOf('/') + 1));
                internal.add(rel);
            }
        }
        Pattern named = Pattern.compile("\\b(" + String.join("|", simple) + ")\\b");
        List<String> users = new ArrayList<>();
        for (String module : modules) {
            for (Path f : files(tree.resolve(module), "/src/main/java/")) {
                if (named.matcher(Files.readString(f)).find()) {
                    users.add(tree.relativize(f).toString());
                }
            }
            Path classes = built.resolve(module).resolve("target/classes");
            if (!Files.isDirectory(classes)) {
                users.add(built.relativize(classes) + " (not built: cannot tell)");
                continue;
            }
            try (Stream<Path> all = Files.walk(classes)) {
                for (Path c : all.filter(p -> p.toString().endsWith(".class")).toList()) {
                    String name = classes.relativize(c).toString().replaceAll("(\\$.*)?\\.class$", "");
                    if (internal.contains(name)) {
                        continue; // a homework class (or one nested in it) itself
                    }
                    String bytes = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
                    if (internal.stream().anyMatch(bytes::contains)) {
                        users.add(built.relativize(c).toString());
                    }
                }
            }
        }
        return users;
    }

    /** Only what {@link #modulesSeeingTemplates} is given: a tree of pom.xml files and template folders. */
    @Test
    void theHandoutCompilesEveryModuleThatCanSeeATemplate(@TempDir Path tmp) throws IOException {
        for (String[] module : new String[][] {{"base", ""}, {"lesson", "base"}, {"other", "base"}, {"course", "lesson"},
                {"top", "course"}}) {
            Files.createDirectories(tmp.resolve(module[0]));
            Files.writeString(tmp.resolve(module[0]).resolve("pom.xml"), "<project><parent><artifactId>root</artifactId>"
                    + "</parent><artifactId>" + module[0] + "</artifactId><dependencies><dependency><artifactId>"
                    + module[1] + "</artifactId></dependency></dependencies></project>");
        }
        Files.createDirectories(tmp.resolve("lesson/src/homework/template"));
        assertThat(modulesSeeingTemplates(tmp)).containsExactly("course", "lesson", "top");
        assertThat(modulesSeeingTemplates(ROOT)).as("this course").contains("tour", "chapter01-echo", "chapter04-close")
                .doesNotContain("kernel-view", "narration-cli", "socket-support", "course-testing");
        // who uses a homework class: its name in a source, or in a compiled class (a call through another class)
        Files.createDirectories(tmp.resolve("lesson/src/homework/template/java/a/hw"));
        Files.writeString(tmp.resolve("lesson/src/homework/template/java/a/hw/Exercise.java"), "package a.hw;");
        Files.createDirectories(tmp.resolve("lesson/src/homework/solution/java/a/hw"));
        Files.writeString(tmp.resolve("lesson/src/homework/solution/java/a/hw/Exercise.java"), "package a.hw;");
        Files.createDirectories(tmp.resolve("lesson/src/main/java/a"));
        Files.writeString(tmp.resolve("lesson/src/main/java/a/Quiet.java"), "package a; class Quiet { Exercises x; }");
        Files.createDirectories(tmp.resolve("lesson/target/classes/a/hw"));
        Files.writeString(tmp.resolve("lesson/target/classes/a/hw/Exercise$1.class"), "a/hw/Exercise");
        Files.writeString(tmp.resolve("lesson/target/classes/a/Quiet.class"), "java/lang/Object");
        List<String> lessonOnly = List.of("lesson");
        assertThat(usersOfHomework(tmp, lessonOnly, tmp)).as("the homework class itself uses nothing").isEmpty();
        Files.writeString(tmp.resolve("lesson/target/classes/a/Caller.class"), "()La/hw/Exercise;");
        assertThat(usersOfHomework(tmp, lessonOnly, tmp)).containsExactly("lesson/target/classes/a/Caller.class");
        Files.writeString(tmp.resolve("lesson/src/main/java/a/Quiet.java"), "package a; class Quiet { int p = Exercise.PORT; }");
        assertThat(usersOfHomework(tmp, lessonOnly, tmp)).contains("lesson/src/main/java/a/Quiet.java");
    }

    private static List<Path> files(Path root, String pathPart) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().contains(pathPart) && p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
