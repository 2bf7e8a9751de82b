package tcpip.testing.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import tcpip.testing.Msg;

/**
 * The grader's own attack fixtures, run by {@code ./homework check}: each folder
 * {@code MODULE/src/homework/attacks/EXERCISE/ATTACK/} holds a submission for EXERCISE that tries to win points
 * without the work (forging the report, ending the JVM, reaching the answer key by reflection, through another class
 * loader or a pool thread, borrowing the reference solution). It is graded exactly as a student's code is, in place of
 * the reference solution, and must score 0; the module's other exercises are graded beside it and must keep full
 * points.
 */
final class Attacks {

    private Attacks() {
    }

    /** A failure line for each attack that earned points; empty when every attack lost everything. */
    static List<String> run(ModuleBuild build, Snapshot snapshot, ExerciseRun.Plan template, Path java, Sandbox sandbox,
            List<Path> hidden, int limit, PrintStream out, boolean korean) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        Path attacks = build.baseDir.resolve("src/homework/attacks");
        if (!Files.isDirectory(attacks)) {
            return failures;
        }
        if (!sandbox.isolates()) { // an attack that the namespaces would contain could harm this machine
            out.println(Msg.get(korean, "attacks.notRun", build.module, sandbox.whyNot()));
            return failures;
        }
        List<Path> dirs;
        try (Stream<Path> all = Files.walk(attacks, 2)) {
            dirs = all.filter(p -> attacks.relativize(p).getNameCount() == 2 && Files.isDirectory(p)).sorted().toList();
        }
        for (Path dir : dirs) {
            String exercise = dir.getParent().getFileName().toString();
            String label = build.module + "/" + exercise + "/" + dir.getFileName();
            Path answer = snapshot.copy(build.answer, build.module + "/attack-" + dir.getFileName(), rel -> false);
            List<Path> cp = new ArrayList<>(template.appClassPath());
            cp.addAll(template.course());
            cp.add(answer);
            String error = ModuleBuild.compile(ModuleBuild.javaFiles(dir), answer, cp);
            if (error != null) {
                failures.add(Msg.get(korean, "attacks.notCompiled", label, error));
                continue;
            }
            ExerciseRun.Plan plan = new ExerciseRun.Plan(build.module, build.pkg, exercise, template.appClassPath(),
                    template.agentJar(), List.of(answer), template.course(), List.of(), template.jvmFlags());
            ExerciseRun.Outcome o = ExerciseRun.run(plan, java, sandbox, snapshot, hidden, limit, !sandbox.isolates());
            Exercise e = new Exercise(build.module, build.baseDir, build.pkg, exercise,
                    Exercise.points(build.baseDir.resolve("src/test/java").resolve(build.pkg.replace('.', '/'))
                            .resolve(exercise + "GradedTest.java")));
            Verdict v = Verdict.of(e, o, limit);
            out.printf("attack %-48s %3d/%-3d %s%n", label, v.earned(), e.points(), Text.clean(v.summary(korean), 90));
            if (!o.violations().isEmpty()) { // what caught it, so that a change in the grader shows here
                out.printf("       %s%n", Text.clean(o.violations().get(0), 160));
            }
            if (v.earned() > 0) {
                failures.add(Msg.get(korean, "attacks.earned", label, v.earned(), v.summary(korean)));
            }
        }
        return failures;
    }
}
